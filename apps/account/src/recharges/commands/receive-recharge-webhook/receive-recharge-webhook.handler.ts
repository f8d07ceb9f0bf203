import { InjectServiceConfig, insertUnlessDuplicate, parseJsonKeepingNumberSources } from '@app/common';
import {
  UnrecoverableMessageError,
  validateMessage,
  verifyWebhook,
  WebhookVerificationError,
  withDeadlockRetry,
} from '@txmsg/nestjs';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  BadRequestException,
  ServiceUnavailableException,
  UnauthorizedException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AccountConfig } from '../../../account.config';
import { PayRechargeResult } from '../../domain/pay-recharge-result';
import { RechargeWebhookBody } from '../../dto/recharge-webhook';
import { ApplyRechargeResultCommand } from '../apply-recharge-result/apply-recharge-result.command';
import { ReceiveRechargeWebhookCommand, type WebhookAnswer } from './receive-recharge-webhook.command';

@CommandHandler(ReceiveRechargeWebhookCommand)
export class ReceiveRechargeWebhookHandler implements ICommandHandler<ReceiveRechargeWebhookCommand, WebhookAnswer> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly commandBus: CommandBus,
    @InjectServiceConfig() private readonly config: AccountConfig,
  ) {}

  async execute({ headers, rawBody }: ReceiveRechargeWebhookCommand): Promise<WebhookAnswer> {
    if (!this.config.notifySecret) {
      throw new ServiceUnavailableException('webhooks are not enabled here: NOTIFY_SECRET is not set');
    }
    if (!rawBody) throw new BadRequestException('a webhook body must be JSON (content-type: application/json)');
    let webhookId: string;
    try {
      webhookId = verifyWebhook(this.config.notifySecret, headers, rawBody).id;
    } catch (error) {
      if (error instanceof WebhookVerificationError)
        throw new UnauthorizedException(`webhook refused: ${error.message}`);
      throw error;
    }
    const { envelope, result } = this.parse(rawBody);
    if (envelope.id !== webhookId) throw new BadRequestException('the body id differs from the webhook-id header');
    // Results for one account credit the same row: concurrent webhooks can deadlock, and the
    // victim's whole transaction simply runs again instead of answering pay 500.
    return withDeadlockRetry(() => this.receive(envelope, result));
  }

  @Transactional()
  private async receive(envelope: RechargeWebhookBody, result: PayRechargeResult): Promise<WebhookAnswer> {
    if (!(await this.remember(envelope, result.txNo))) return { received: true, applied: false, replay: true };
    const outcome = await this.commandBus.execute(new ApplyRechargeResultCommand(result, 'webhook'));
    // Rolls the receipt back too, so pay keeps trying (and the mismatch stays visible in its attempts).
    if (outcome === 'mismatch')
      throw new UnprocessableEntityException(`recharge ${result.txNo} differs from account's record`);
    if (outcome === 'unknown-account') {
      throw new UnprocessableEntityException(
        `recharge ${result.txNo} is for account ${result.accountNo}, which account does not hold`,
      );
    }
    return { received: true, applied: outcome === 'applied', replay: false };
  }

  /** Records the webhook id; false when it was accepted before (a replay). The transaction goes on either way. */
  private remember(envelope: RechargeWebhookBody, txNo: string): Promise<boolean> {
    return insertUnlessDuplicate(
      this.txHost.tx,
      'INSERT INTO webhook_receipt (webhook_id, type, subject) VALUES (?, ?, ?)',
      [envelope.id, envelope.type, txNo],
      'webhook_id',
    );
  }

  private parse(rawBody: Buffer): { envelope: RechargeWebhookBody; result: PayRechargeResult } {
    try {
      const body = parseJsonKeepingNumberSources(rawBody.toString('utf8'));
      const envelope = validateMessage(RechargeWebhookBody, body);
      // `data` as parsed rather than the envelope's copy: the text of its numbers stays with it.
      return { envelope, result: validateMessage(PayRechargeResult, (body as { data: unknown }).data) };
    } catch (error) {
      if (error instanceof SyntaxError || error instanceof UnrecoverableMessageError) {
        throw new BadRequestException(`webhook body refused: ${error.message}`);
      }
      throw error;
    }
  }
}
