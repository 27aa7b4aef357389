// NEWS2 scoring for the API: the app's pure scorer (app/monitoring/news2.ts), nothing stored or logged.
import { news2Score, type News2Result, type News2Vitals } from '../../app/monitoring/news2.ts';

export function scoreVitals(vitals: News2Vitals): News2Result {
  return news2Score(vitals);
}
