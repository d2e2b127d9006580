import { InspectionService, type Clock } from '../../src/services/inspection-service.js';
import { freshStore, type DialectUnderTest } from './databases.js';
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
