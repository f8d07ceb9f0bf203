import { CompleteOnTransferCreditedConsumer } from './complete-on-transfer-credited.consumer';
import { RefundOnTransferRejectedConsumer } from './refund-on-transfer-rejected.consumer';

export const Consumers = [CompleteOnTransferCreditedConsumer, RefundOnTransferRejectedConsumer];
