import globalSetup from '../harness/global-setup';
import { clearResults } from './chaos-results';

/** The shared infrastructure of every end-to-end run, and an empty results table. */
export default function chaosGlobalSetup(): void {
  globalSetup();
  clearResults();
}
