import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FirmProfile } from '../../src/core/profile/firm-profile.js';
import { packageRoot } from '../../src/io/catalog-data.js';
import { parseProfile } from '../../src/io/read-profile.js';

export const TEMPLATE = readFileSync(path.join(packageRoot(), 'data', 'templates', 'firm-profile.yaml'), 'utf8');

/** The shipped template (an internet-order, tier-1 broker using every service but IoT and video identity), edited. */
export function profileFrom(edit: (yaml: string) => string = (y) => y): FirmProfile {
  return parseProfile(edit(TEMPLATE), 'test-profile.yaml');
}

export const internetTier1 = () => profileFrom();
export const voiceAndCounterOnly = () =>
  profileFrom((y) => y.replace('channels: [internet, voice, traditional]', 'channels: [voice, traditional]').replace('tier: 1 ', 'tier: 3 '));
export const noCloudNoIot = () => profileFrom((y) => y.replace('cloud: true ', 'cloud: false ').replace('iot: false', 'iot: false'));
