import { latchkeyVitestConfig } from '@latchkey/vitest-config';

export default latchkeyVitestConfig();
