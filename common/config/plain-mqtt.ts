import { z } from 'zod';

/** Host names that never leave the machine. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** True for a host that stays on this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Why plain MQTT is refused here, or undefined when it is not. Across a network, `mqtt://` shows
 * who talks to whom and when, and carries the broker credentials in clear (a static password for
 * Mosquitto); on the loopback nothing crosses a wire. `insecure` is the operator's explicit word
 * that the network is trusted (a lab, a VPN already encrypting).
 */
export function plainMqttRefusal(url: string, insecure: boolean): string | undefined {
  if (insecure || !url.startsWith('mqtt://')) return undefined;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined; // the URL's own schema reports it
  }
  if (isLoopbackHost(host)) return undefined;
  return `${url} is plain MQTT across the network: use mqtts:// (TLS), or set MQTT_INSECURE=true (in a config file, "insecure": true beside the url) for a network you trust`;
}

/** The broker URL of a client config, with the operator's `insecure` mark: plain MQTT off-machine refused. */
export const brokerUrlFields = {
  url: z.string().regex(/^mqtts?:\/\//),
  /** Allows `mqtt://` to another machine (a trusted lab or VPN): set only on purpose. */
  insecure: z.boolean().default(false),
};

/** Adds the refusal of {@link plainMqttRefusal} to an object with {@link brokerUrlFields}. */
export function refusePlainMqtt(value: { url: string; insecure: boolean }, context: z.RefinementCtx): void {
  const refusal = plainMqttRefusal(value.url, value.insecure);
  if (refusal) context.addIssue({ code: 'custom', path: ['url'], message: refusal });
}
