export { invocationHandler, type InvocationSettings } from './invoke-run.ts';
