import { diagnose } from '../engine/index.ts';
import type { Diagnosis, Exchange } from '../engine/types.ts';
import { explainedRecord, type ExchangeRecord } from '../store/report.ts';

/**
 * The worker sends each record with its verdict only; the panel explains an exchange (evidence,
 * paragraphs, plans) when the user opens it or exports the log, once: diagnose() is pure, so the
 * same exchange always gives the same explanation. Kept as long as the exchange is.
 */
const explained = new WeakMap<Exchange, Diagnosis>();

export function explainExchange(exchange: Exchange): Diagnosis {
  let diagnosis = explained.get(exchange);
  if (!diagnosis) explained.set(exchange, (diagnosis = diagnose(exchange)));
  return diagnosis;
}

export function explainedOf(record: ExchangeRecord): Diagnosis {
  return explainedRecord(record, explainExchange);
}
