export { NO_SPAN, startSpan, tracingOn } from './spans';
export { carrierOf, contextOfCarrier, storedContextOf, type TraceCarrier } from './trace-carrier';
export { contextOfHeaders, injectTraceHeaders } from './message-headers';
export { CONSUME_OUTCOME, MESSAGING, endSpan, setMessageAttributes } from './messaging-attributes';
