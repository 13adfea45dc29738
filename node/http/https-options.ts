import { readFileSync } from 'node:fs';

/** The node's certificate and key files, as config `http.tls` names them. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * The certificate and key the HTTPS server is built with, read once at start: a renewed
 * certificate (`econsulat node tls renew`) is served from the next start. A missing or unreadable
 * file stops the start with its path, rather than falling back to plain HTTP.
 */
export function readHttpsFiles(tls: TlsFiles | undefined): { cert: Buffer; key: Buffer } | undefined {
  if (tls === undefined) return undefined;
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`cannot read the TLS ${what} ${path}`, { cause: error });
    }
  };
  return { cert: read(tls.certFile, 'certificate'), key: read(tls.keyFile, 'key') };
}
