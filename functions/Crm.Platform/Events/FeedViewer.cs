using Crm.Domain.Access;
using Crm.Domain.Organisation;
using Crm.Platform.Access;
using Crm.Storage.Events;
using Crm.Storage.Records;

namespace Crm.Platform.Events;

/// <summary>
/// The change feed as one person (or API key) may see it: the pull feed's reader, and a webhook subscription's
/// maker at delivery time. Events of owned records come only to those who may see the record, judged on the owner
/// and team the event carries (the record as it was when it changed); changed fields follow their field rules.
/// </summary>
public sealed class FeedViewer(RecordTypeRegistry registry, string userId, AccessProfile access, OrgChart org, DateTimeOffset now)
{
    public bool Sees(ChangeEvent e) => registry.Find(e.Data.RecordType) is not { IsOwned: true } store
        || RecordAccess.Decide(access, org, userId, store.TableName, Permissions.Actions.View, e.Data.OwnerId, e.Data.Team ?? [], now) == AccessDecision.Allowed;

    public ChangeEvent Shape(ChangeEvent e) =>
        registry.Find(e.Data.RecordType) is { } store && access.FieldRulesFor(store.TableName) is { Count: > 0 } rules
            ? e with { Data = e.Data with { Changes = FieldRules.Apply(e.Data.Changes, rules) } }
            : e;
}

public sealed class FeedViewers(RecordTypeRegistry registry, AccessDirectory directory, TimeProvider clock)
{
    public async Task<FeedViewer> ForAsync(string tenantId, string userId, AccessProfile access, CancellationToken cancellationToken)
    {
        var org = access.IsSuperAdmin ? OrgChart.Empty : await directory.OrgChartAsync(tenantId, cancellationToken);
        return new FeedViewer(registry, userId, access, org, clock.GetUtcNow());
    }
}
