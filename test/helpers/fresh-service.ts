import { InspectionService, type Clock } from '../../src/services/inspection-service.js';
import { freshStore, StoreSnapshot, type DialectUnderTest } from './databases.js';
import { tempDir } from './shared.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

/** An initialised store of the dialect in a temp folder, and the service on it; `close` removes both. */
export async function freshService(dialect: DialectUnderTest, clock: Clock): Promise<{ s: InspectionService; dir: string; close(): Promise<void> }> {
  const tmp = tempDir();
  const { env, drop } = await freshStore(dialect, tmp.dir);
  env.CCHECK_VAULT_KEY = KEY;
  const s = await InspectionService.connect(tmp.dir, env, clock, { create: true });
  await s.init();
  return {
    s,
    dir: tmp.dir,
    close: async () => {
      await s.close();
      await drop();
      tmp.cleanup();
    },
  };
}

/**
 * An initialised store (as freshService makes) that `build` fills once, for a describe whose
 * tests all start from the same data: `copy()` gives each test a copy of its own (StoreSnapshot)
 * and the service on it. Call it in beforeAll and `remove` in afterAll.
 */
export async function builtService<T>(
  dialect: DialectUnderTest,
  clock: Clock,
  build: (s: InspectionService) => Promise<T>,
): Promise<{ value: T; copy(): Promise<{ s: InspectionService; dir: string; close(): Promise<void> }>; remove(): Promise<void> }> {
  const tmp = tempDir();
  const { env, drop } = await freshStore(dialect, tmp.dir);
  env.CCHECK_VAULT_KEY = KEY;
  const built = await InspectionService.connect(tmp.dir, env, clock, { create: true });
  let value: T;
  try {
    await built.init();
    value = await build(built);
  } finally {
    await built.close();
  }
  const snapshot = StoreSnapshot.of(dialect, tmp.dir, env);
  return {
    value,
    copy: async () => {
      const c = await snapshot.copy();
      const s = await InspectionService.connect(c.home, c.env, clock);
      return {
        s,
        dir: c.home,
        close: async () => {
          await s.close();
          await c.remove();
        },
      };
    },
    remove: async () => {
      await drop();
      tmp.cleanup();
    },
  };
}
