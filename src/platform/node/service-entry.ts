/**
 * Entry of a Node worker that runs services (a coalesced group, or one isolated service): the
 * worker loop with the services loaded at once — a standby worker is started ahead of the
 * restart it serves, and is then ready when the restart comes.
 */

import { preloadRuntimes, type ThreadRuntimes } from '../../thread/thread-main.js';
import { serveThreads } from './worker-loop.js';

const runtimes: ThreadRuntimes = { services: () => import('../../thread/services-thread.js') };
serveThreads(runtimes);
preloadRuntimes(runtimes);
