/** Entry of a Node worker that runs services (a coalesced group, or one isolated service). */

import { serveThreads } from './worker-loop.js';

serveThreads({ services: () => import('../../thread/services-thread.js') });
