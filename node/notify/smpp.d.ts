// The `smpp` package (0.5) ships no types: the little of it the adapter and its tests use.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A PDU: its command, status, sequence and the fields of its command (SMPP 3.4 §4). */
  export interface Pdu {
    command: string;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    response(options?: Record<string, unknown>): Pdu;
    isResponse(): boolean;
  }

  export class Session extends EventEmitter {
    socket: Socket;
    send(pdu: Pdu, responseCallback?: (pdu: Pdu) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    // One shortcut per command: bind_transceiver, submit_sm, deliver_sm, enquire_link, unbind…
    [command: string]: unknown;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  export function connect(options: Record<string, unknown>, listener?: () => void): Session;
  export function createServer(
    options: Record<string, unknown>,
    listener?: (session: Session) => void,
  ): Server;

  const smpp: {
    connect: typeof connect;
    createServer: typeof createServer;
    ESME_ROK: number;
    ESME_RTHROTTLED: number;
    ESME_RINVDSTADR: number;
    ESME_RINVPASWD: number;
    ESME_RINVSYSID: number;
    ESME_RBINDFAIL: number;
    ESME_RMSGQFUL: number;
    ESME_RSYSERR: number;
    ESME_RX_T_APPN: number;
    ESME_RINVBNDSTS: number;
    ESM_CLASS: { MC_DELIVERY_RECEIPT: number };
    REGISTERED_DELIVERY: { FINAL: number };
  };
  export default smpp;
}
