/**
 * A non-error message for the client (PostgreSQL's NOTICE/WARNING/…), as produced by SET, SET LOCAL, RESET and
 * transaction end. Settings code returns these instead of printing them, so that the SQL layer can deliver
 * them in statement order next to the statement's result (psql prints `WARNING:  …`).
 */

/** PostgreSQL's client-visible severities below ERROR, ordered as elog.h orders them. */
export type NoticeSeverity =
  | 'DEBUG5'
  | 'DEBUG4'
  | 'DEBUG3'
  | 'DEBUG2'
  | 'DEBUG1'
  | 'LOG'
  | 'INFO'
  | 'NOTICE'
  | 'WARNING';

export interface Notice {
  readonly severity: NoticeSeverity;
  /** SQLSTATE, e.g. `01000` for a plain WARNING. */
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
}

/**
 * elog.h's numeric levels: a message reaches the client when its level is at least `client_min_messages`,
 * and INFO always does (elog.c, should_output_to_client).
 */
export const severityLevel: Readonly<Record<NoticeSeverity | 'ERROR', number>> = {
  DEBUG5: 10,
  DEBUG4: 11,
  DEBUG3: 12,
  DEBUG2: 13,
  DEBUG1: 14,
  LOG: 15,
  INFO: 17,
  NOTICE: 18,
  WARNING: 19,
  ERROR: 21,
};
