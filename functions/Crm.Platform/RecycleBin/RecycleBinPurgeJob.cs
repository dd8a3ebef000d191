using Crm.Domain.Access;
using Crm.Platform.Access;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Crm.Storage.Triggers;

namespace Crm.Platform.RecycleBin;

/// <summary>Purges recycle-bin entries older than each tenant's retention (30 days unless set).</summary>
public sealed class RecycleBinPurgeJob(Storage.Records.RecycleBin bin, TenantStore tenants, TimeProvider clock, ILogger<RecycleBinPurgeJob> logger) : ITimerJob
{
    public const string Name = "recycle-bin-purge";

    /// <summary>Purges only: it writes no record, so it needs no grant.</summary>
    public static readonly BackgroundActor Actor = BackgroundActor.Granted(Name, DataScope.Self);

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            var write = Actor.Write(tenant.Id, now);
            var purged = await bin.PurgeOlderThanAsync(write, now.AddDays(-tenant.RecycleBinRetentionDays), cancellationToken);
            if (purged > 0)
            {
                logger.LogInformation("Purged {Count} recycle-bin entries of tenant {Tenant}", purged, tenant.Slug);
            }
        }
    }
}
