import { join } from 'node:path';

/** The two missions of the demo, as DESIGN.md names them. */
export const DEMO_MISSIONS = [
  {
    id: 'fr-paris',
    city: 'paris',
    name: 'Ambassade de la République centrafricaine à Paris',
    region: 'FR',
    currency: 'EUR',
    timeZone: 'Europe/Paris',
    phones: ['+33612345678', '+33698765432', '+33745123456'],
    profile: {
      address: '30, rue des Perchamps, 75016 Paris, France',
      phone: '+33 1 23 45 67 89',
      email: 'consulat@paris.ambassade-rca.example',
    },
  },
  {
    id: 'cm-yaounde',
    city: 'yaounde',
    name: 'Ambassade de la République centrafricaine à Yaoundé',
    region: 'CM',
    currency: 'XAF',
    timeZone: 'Africa/Douala',
    phones: ['+237671234567', '+237699887766', '+237655443322'],
    profile: {
      address: 'Rue 1863, Bastos, B.P. 396, Yaoundé, Cameroun',
      phone: '+237 222 00 00 00',
      email: 'consulat@yaounde.ambassade-rca.example',
    },
  },
] as const;

/** Ports and folders of a demo run. The broker sits at base + 3, away from a system Mosquitto on 1883. */
export function demoLayout(dir: string, portBase: number) {
  return {
    hubDir: join(dir, 'hub'),
    hubHttpPort: portBase,
    brokerPort: portBase + 3,
    missionDir: (id: string) => join(dir, id),
    missionPort: (index: number) => portBase + 1 + index,
    demoFile: join(dir, 'demo.json'),
    /** The ministry's recovery secret, beside the hub's folder rather than in it (demo-recovery-key.ts). */
    recoveryKeyFile: join(dir, 'recovery.secret'),
    /** The ministry's CSCA for the visa seals: its key stands for the offline medium (demo-visa-trust.ts). */
    cscaDir: join(dir, 'csca'),
    /** Written last by a finished setup (setup-record.ts). */
    setupFile: join(dir, 'setup.json'),
  };
}
