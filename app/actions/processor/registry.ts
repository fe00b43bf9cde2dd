import type { ActionExecutor } from '../executors/executor.ts';

/** The executors of a processor, by the `integrationActionType` each executes. */
export class ExecutorRegistry {
  private readonly executors = new Map<string, ActionExecutor>();

  constructor(executors: Iterable<ActionExecutor> = []) {
    for (const executor of executors) this.register(executor);
  }

  register(executor: ActionExecutor): void {
    if (this.executors.has(executor.type)) {
      throw new Error(`an executor of integrationActionType "${executor.type}" is already registered`);
    }
    this.executors.set(executor.type, executor);
  }

  get(type: string): ActionExecutor | undefined {
    return this.executors.get(type);
  }

  /** The types wharf executes, sorted. */
  known(): string[] {
    return [...this.executors.keys()].sort();
  }

  /** Why a run of `type` cannot be executed: the type and the ones this wharf knows. */
  unknownType(type: string): string {
    const shown = type === '' ? 'the run names no integrationActionType' : `unknown integrationActionType "${type}"`;
    return `${shown}: this wharf executes ${this.known().join(', ') || 'none'}`;
  }
}
