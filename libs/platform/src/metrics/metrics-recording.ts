import { MessageObserver } from '../messaging/message-handling.interceptor';
import { Metrics } from './metrics';

/** Times every RMQ message handler of the app, by pattern and outcome. */
export function messageMetrics(metrics: Metrics): MessageObserver {
  return {
    handled(pattern, seconds, error) {
      metrics.messageHandlerDuration.observe(
        { pattern, outcome: error === undefined ? 'success' : 'error' },
        seconds,
      );
    },
  };
}
