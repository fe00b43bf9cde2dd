export { signPortPayload, portSignatureHeaders, verifyPortSignature, type SignatureProblem } from './port-signature.ts';
