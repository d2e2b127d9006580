/** Characters no person types into a name or a text value: C0 controls except tab, LF, CR; DEL. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The characters' code points as `U+0000`, for messages (the character itself cannot be shown). */
export const codePointOf = (text: string): string => {
  const m = CONTROL_CHARACTERS.exec(text);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : '';
};
