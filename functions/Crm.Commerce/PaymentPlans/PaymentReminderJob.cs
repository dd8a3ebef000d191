using System.Globalization;
using Crm.Commerce.Contracts;
using Crm.Domain.Commerce;
using Crm.Platform.Notifications;
using Crm.Storage.Tenants;
using Crm.Storage.Triggers;

namespace Crm.Commerce.PaymentPlans;

/// <summary>
/// Daily, per tenant and in its calendar: tells the owner of each active or completed contract about every installment still
/// open, once from its reminder day (N days before it is due) and once more when it is overdue. Each notice is deduplicated
/// by contract, installment, kind and planned date, so a rerun sends nothing twice and a moved date reminds again.
/// </summary>
internal sealed class PaymentReminderJob(ContractPayments payments, ContractService contracts, INotifier notifier, TenantStore tenants, TimeProvider clock,
    ILogger<PaymentReminderJob> logger) : ITimerJob
{
    public const string Name = "payment-reminders";
    public const string DueKind = "paymentPlan.due";
    public const string OverdueKind = "paymentPlan.overdue";

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), tenant.Zone).DateTime);
            var sent = 0;
            await foreach (var state in payments.PlansAsync(tenant.Id, cancellationToken))
            {
                var contract = await contracts.Store.FindAsync(tenant.Id, state.Plan!.ContractId, cancellationToken);
                if (contract is not { Status: ContractStatus.Active or ContractStatus.Completed, OwnerId: { } ownerId })
                {
                    continue;
                }
                foreach (var installment in PaymentPlanRules.Summarize(contract, state.Plan, state.Receipts, today).Installments)
                {
                    if (PaymentPlanRules.ReminderDue(installment, today) is not { } kind)
                    {
                        continue;
                    }
                    await notifier.NotifyAsync(tenant.Id, Notice(ownerId, contract, installment, kind), DedupeKey(contract.Id, installment, kind), cancellationToken);
                    sent++;
                }
            }
            if (sent > 0)
            {
                logger.LogInformation("Delivered {Count} payment reminders of tenant {Tenant} (repeats deduplicated)", sent, tenant.Slug);
            }
        }
    }

    public static string DedupeKey(string contractId, InstallmentPayments installment, string kind) =>
        $"{(kind == "due" ? DueKind : OverdueKind)}:{contractId}:{installment.Id}:{installment.PlannedDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    private static Notice Notice(string ownerId, Contract contract, InstallmentPayments installment, string kind)
    {
        var date = installment.PlannedDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var open = $"{installment.Open.ToString(CultureInfo.InvariantCulture)} {contract.Currency}";
        return kind == "due"
            ? new Notice(ownerId, DueKind, $"Installment {installment.Number} of contract {contract.Number} is due on {date}", $"{open} still to receive ({contract.Name}).", "contract", contract.Id)
            : new Notice(ownerId, OverdueKind, $"Installment {installment.Number} of contract {contract.Number} is overdue since {date}", $"{open} still to receive ({contract.Name}).", "contract", contract.Id);
    }
}
