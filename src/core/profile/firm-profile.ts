import { z } from 'zod';
import { tierNumbers, type TierScheme } from './tier-scheme.js';

/** 網際網路下單 / 語音下單 / 傳統下單 */
export const CHANNELS = ['internet', 'voice', 'traditional'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Services whose use makes items of points 7, 9 and 12 apply (cloud 12/(1), social media 12/(2) …). */
export const SERVICES = ['cloud', 'social_media', 'iot', 'video_identity', 'mobile_apps', 'api', 'outsourcing'] as const;
export type Service = (typeof SERVICES)[number];

const CoreSystemFile = z.strictObject({
  name: z.string().min(1),
  tolerable_interruption_hours: z.number().positive(),
  rto_hours: z.number().positive(),
  rpo_minutes: z.number().nonnegative(),
  internet_facing: z.boolean(),
  offsite_site: z.boolean(),
});

/**
 * The profile file as people write it (YAML, snake_case keys). Strict: an unknown key is an
 * error, because a typo (`colocaton: true`) must not silently change what applies. The 資安分級
 * levels come from data (`data/catalog/tiers.yaml`), not from this type: the public sources do
 * not fix how many there are.
 */
export function firmProfileFileSchema(tiers: TierScheme) {
  const levels = tierNumbers(tiers);
  const [first, ...rest] = levels;
  // No level in the data leaves only "not assigned" (null).
  const tier = first === undefined ? z.null() : z.union([z.literal([first, ...rest]), z.null()]);
  return z.strictObject({
    firm: z.strictObject({ name: z.string().min(1), licence: z.string().min(1) }),
    channels: z
      .array(z.enum(CHANNELS))
      .min(1)
      .refine((a) => new Set(a).size === a.length, { message: 'channels must not repeat' }),
    tier,
    class: z.union([z.literal(1), z.literal(2)]),
    colocation: z.boolean(),
    core_systems: z.array(CoreSystemFile),
    services: z.strictObject(Object.fromEntries(SERVICES.map((s) => [s, z.boolean()])) as Record<Service, z.ZodBoolean>),
    /** Parameters the firm sets for its tier; public sources give no thresholds. */
    tier_parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  });
}
export type FirmProfileFileData = z.infer<ReturnType<typeof firmProfileFileSchema>>;

export interface CoreSystem {
  readonly name: string;
  readonly tolerableInterruptionHours: number;
  readonly rtoHours: number;
  readonly rpoMinutes: number;
  readonly internetFacing: boolean;
  readonly offsiteSite: boolean;
}

/** 公司基本資料: what decides which items apply to the firm. */
export interface FirmProfile {
  readonly firm: { readonly name: string; readonly licence: string };
  readonly channels: readonly Channel[];
  /** 資安分級: one of the levels in the tier data, or null when not assigned. */
  readonly tier: number | null;
  readonly class: 1 | 2;
  readonly colocation: boolean;
  readonly coreSystems: readonly CoreSystem[];
  readonly services: Readonly<Record<Service, boolean>>;
  readonly tierParameters: Readonly<Record<string, string | number | boolean>>;
}

export function toFirmProfile(f: FirmProfileFileData): FirmProfile {
  return {
    firm: f.firm,
    channels: f.channels,
    tier: f.tier,
    class: f.class,
    colocation: f.colocation,
    coreSystems: f.core_systems.map((c) => ({
      name: c.name,
      tolerableInterruptionHours: c.tolerable_interruption_hours,
      rtoHours: c.rto_hours,
      rpoMinutes: c.rpo_minutes,
      internetFacing: c.internet_facing,
      offsiteSite: c.offsite_site,
    })),
    services: f.services,
    tierParameters: f.tier_parameters ?? {},
  };
}

/** Something in a valid profile that an examiner would question; not an error in the file. */
export interface ProfileAdvice {
  readonly field: string;
  readonly clause: string;
  readonly en: string;
  readonly zh: string;
}

/** Advice that follows from the profile alone, citing the clause that makes it matter. */
export function adviseOnProfile(p: FirmProfile): ProfileAdvice[] {
  const out: ProfileAdvice[] = [];
  p.coreSystems.forEach((c, i) => {
    const field = `core_systems[${i}]`;
    if (c.rtoHours > c.tolerableInterruptionHours) {
      // 10/(10): a core system must be back within the tolerable interruption time.
      out.push({
        field: `${field}.rto_hours`,
        clause: '10/(10)',
        en: `${c.name}: RTO ${c.rtoHours} h exceeds the tolerable interruption time ${c.tolerableInterruptionHours} h`,
        zh: `${c.name}：復原時間目標 ${c.rtoHours} 小時超過可容忍中斷時間 ${c.tolerableInterruptionHours} 小時`,
      });
    }
    if (!c.offsiteSite && p.tier !== null) {
      // 10/(3): off-site backup data centre according to the firm's tier.
      out.push({
        field: `${field}.offsite_site`,
        clause: '10/(3)',
        en: `${c.name}: no off-site recovery site; 10/(3) asks for one according to the firm's tier (${p.tier})`,
        zh: `${c.name}：無異地備援機房；10/(3) 要求依所屬資安分級（第${p.tier}級）建置`,
      });
    }
  });
  if (p.tier === null) {
    out.push({
      field: 'tier',
      clause: '7/(2)/b/(g)',
      en: 'no 資安分級 tier set: tier-dependent items (7/(2)/b/(g),(h), 10/(3), 10/(4)) cannot be scaled',
      zh: '未設定資安分級：依分級辦理之項目（7/(2)/b/(g)、(h)、10/(3)、10/(4)）無法依級別判定',
    });
  }
  return out;
}
