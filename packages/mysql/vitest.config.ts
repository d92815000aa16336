/**
 * The shared settings, with test files run one at a time: some files change server-wide
 * settings (max_prepared_stmt_count, max_connections) or restart the server, which would
 * break the files running beside them on the same server.
 */
import { mergeConfig } from 'vitest/config';

import shared from '../../vitest.shared.js';

export default mergeConfig(shared, { test: { fileParallelism: false } });
