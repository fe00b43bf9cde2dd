export {
  signPortPayload,
  portSignatureHeaders,
  parseSignatureHeader,
  verifyPortSignature,
  MAX_SIGNATURES,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  type SignatureCheck,
  type SignatureProblem,
} from './port-signature.ts';
