export {
  enqueuePortWrites,
  portWritesHandler,
  PORT_WRITES,
  type PortWrite,
  type PortWritesEvents,
} from './port-writes.ts';
