import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerfileNodeMajor } from '../../test/image/production-image';

// npm start, the benchmarks and the test harness run the apps on .nvmrc's Node.js
// (scripts/platform-node.sh), so that what runs on a laptop is what ships.
it("runs the apps on the production image's Node.js major (.nvmrc is the Dockerfile's FROM)", () => {
  const nvmrc = readFileSync(join(__dirname, '..', '..', '.nvmrc'), 'utf8').trim();
  expect(nvmrc).toBe(dockerfileNodeMajor());
});
