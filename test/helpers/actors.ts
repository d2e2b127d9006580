import type { Actor } from '../../src/core/people/actor.js';
import type { Grant } from '../../src/core/people/roles.js';

/** A signed-in account holding exactly these grants (its second factor not fresh: reads and records only). */
export const accountWith = (grants: Grant[], name = '讀者', id = 'acc-1'): Actor => ({
  kind: 'account',
  id,
  name,
  grants,
  method: 'password+totp',
  factorAt: null,
});
