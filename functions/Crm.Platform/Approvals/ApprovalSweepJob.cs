using Crm.Storage.Approvals;
using Crm.Storage.Tenants;
using Crm.Storage.Triggers;

namespace Crm.Platform.Approvals;

/// <summary>
/// The safety net of submissions: an approval still marked opening a few minutes after it was submitted belongs to a
/// request that stopped between its steps. If its document went under it, its orchestration is started (the first
/// activity begins the first step if the request had not); if not, nobody ever saw it, and it is removed.
/// </summary>
internal sealed class ApprovalSweepJob(ApprovalStore store, Approvals approvals, TenantStore tenants, TimeProvider clock) : ITimerJob
{
    public const string Name = "approval-sweep";

    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            await foreach (var (id, at) in store.OpeningAsync(tenant.Id, cancellationToken))
            {
                if (clock.GetUtcNow() - at < Grace || await store.FindAsync(tenant.Id, id, cancellationToken) is not { } instance)
                {
                    continue;
                }
                if (await approvals.Document(instance.DocumentType).OpenApprovalAsync(tenant.Id, instance.DocumentId, cancellationToken) == id)
                {
                    await approvals.StartAsync(tenant.Id, id, cancellationToken);
                }
                else
                {
                    await store.DeleteAsync(tenant.Id, instance, cancellationToken);
                }
            }
        }
    }
}
