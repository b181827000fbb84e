/** Settings raise notices with elog's fine-grained severities; clients see PostgreSQL's protocol-level ones. */
import type { Notice as SettingsNotice } from '../settings/index.js';
import type { Notice } from './result.js';

export function toResultNotice(notice: SettingsNotice): Notice {
  const severity = notice.severity.startsWith('DEBUG') ? 'DEBUG' : (notice.severity as Exclude<Notice['severity'], 'DEBUG'>);
  return { ...notice, severity };
}
