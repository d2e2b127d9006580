/**
 * The three factor categories of 7/(1)/d: (a) knowledge, (b) possession, (c) inherence. A video
 * identity check (12/(6)/a) and an identifier (account, ID number) are not login factors of
 * their own kind, so they are kept apart rather than forced into one of the three.
 */
export type FactorCategory = 'knowledge' | 'possession' | 'inherence' | 'video' | 'identifier';

export const CATEGORY_NAMES: Record<FactorCategory, { en: string; zh: string; clause: string }> = {
  knowledge: { en: 'knowledge', zh: '所知（約定資訊）', clause: '7/(1)/d/(a)' },
  possession: { en: 'possession', zh: '所持（實體設備）', clause: '7/(1)/d/(b)' },
  inherence: { en: 'inherence', zh: '所具（生物特徵）', clause: '7/(1)/d/(c)' },
  video: { en: 'video identity check', zh: '影像視訊身分驗證', clause: '12/(6)/a' },
  identifier: { en: 'identifier (not a factor)', zh: '識別資料（非驗證因子）', clause: '7/(1)/d' },
};

/**
 * The curated names, zh-TW and English, as firms write them in their procedures. Only an exact
 * name (after `normalizeFactorName`) is classified: an unknown name is reported, never guessed.
 */
const NAMES: Record<Exclude<FactorCategory, never>, readonly string[]> = {
  // 7/(1)/d/(a): 公司所約定之資訊，且無第三人知悉（如固定密碼、圖形鎖或手勢等）
  knowledge: [
    '密碼',
    '固定密碼',
    '靜態密碼',
    '登入密碼',
    '網路密碼',
    '交易密碼',
    '使用者密碼',
    '圖形鎖',
    '圖形密碼',
    '圖形解鎖',
    '手勢',
    '手勢密碼',
    'PIN',
    'PIN碼',
    '個人識別碼',
    '安全提問',
    '密碼提示問題',
    'password',
    'static password',
    'passcode',
    'pattern',
    'pattern lock',
    'gesture',
    'security question',
    'knowledge',
  ],
  // 7/(1)/d/(b): 客戶所持有之實體設備（如密碼產生器、密碼卡、晶片卡、電腦、行動裝置、憑證載具等）
  possession: [
    'OTP',
    '簡訊OTP',
    '簡訊驗證碼',
    '手機簡訊OTP',
    'SMS OTP',
    'SMS',
    'email OTP',
    '電子郵件OTP',
    'TOTP',
    'HOTP',
    '動態密碼',
    '一次性密碼',
    '憑證',
    '下單憑證',
    '電子憑證',
    '數位憑證',
    '憑證載具',
    '裝置綁定',
    '綁定裝置',
    '裝置認證',
    '推播',
    '推播驗證',
    'APP推播',
    '行動裝置',
    '密碼產生器',
    '密碼卡',
    '晶片卡',
    '金融卡',
    '自然人憑證',
    '硬體金鑰',
    'USB Key',
    'token',
    'hardware token',
    'security key',
    'FIDO',
    'FIDO2',
    'passkey',
    'authenticator app',
    'push',
    'push notification',
    'device binding',
    'bound device',
    'certificate',
    'client certificate',
    'smart card',
    'OTP token',
    '上傳身分證件',
    '身分證件',
    '身分證件影像',
    'ID document',
    'ID document upload',
    'possession',
  ],
  // 7/(1)/d/(c): 生物特徵（如指紋、臉部、虹膜、聲音、掌紋、靜脈、簽名等）
  inherence: [
    '指紋',
    '指紋辨識',
    '臉部',
    '臉部辨識',
    '人臉辨識',
    '臉部識別',
    '虹膜',
    '虹膜辨識',
    '聲紋',
    '聲紋辨識',
    '聲音',
    '掌紋',
    '靜脈',
    '指靜脈',
    '簽名',
    '生物辨識',
    '生物特徵',
    'fingerprint',
    'Touch ID',
    'Face ID',
    'face',
    'face recognition',
    'facial recognition',
    'iris',
    'voice',
    'voiceprint',
    'palm',
    'palm print',
    'vein',
    'signature',
    'biometric',
    'biometrics',
    'inherence',
  ],
  // 12/(6)/a: the video check itself; it needs another factor beside it.
  video: ['視訊', '影像視訊', '視訊驗證', '視訊身分驗證', '視訊開戶', 'video', 'video call', 'video identity check', 'video KYC', 'eKYC video'],
  // Not a secret, a device or a trait: naming the customer is not verifying them.
  identifier: ['帳號', '使用者帳號', '身分證字號', '身分證號', '統一編號', '生日', '出生日期', 'account', 'user id', 'username', 'ID number', 'date of birth'],
};

/** The same name however it is written: NFKC (full-width Ｏ Ｔ Ｐ), case, spaces, dashes and dots dropped. */
export function normalizeFactorName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-_.·、]+/g, '');
}

const INDEX = new Map<string, FactorCategory>(
  (Object.entries(NAMES) as [FactorCategory, readonly string[]][]).flatMap(([cat, names]) => names.map((n) => [normalizeFactorName(n), cat] as const)),
);

/** The category of a curated factor name, or undefined: unknown names are an input finding, not a guess. */
export function classifyFactor(name: string): FactorCategory | undefined {
  return INDEX.get(normalizeFactorName(name));
}

/** A category as a firm writes it in the template's 類別/category column (for names not in the curated list). */
export function parseCategory(text: string): FactorCategory | undefined {
  const t = normalizeFactorName(text);
  if (/^(knowledge|所知|知識|約定資訊|a)$/.test(t)) return 'knowledge';
  if (/^(possession|所持|持有|實體設備|b)$/.test(t)) return 'possession';
  if (/^(inherence|所具|生物特徵|生物辨識|c)$/.test(t)) return 'inherence';
  return undefined;
}
