// The project's folder, found from this file's place in it: the chart, sim/ and the demo app are
// read from here whatever the working directory is.
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
