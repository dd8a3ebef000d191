using System.Net;
using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.IpRules;

/// <summary>
/// The IP rules' write rules: valid CIDRs, one rule per network, and no change that would refuse the
/// administrator making it (409 <c>ip.self_lockout</c>): they would have no way back in. Restoring a
/// rule from the recycle bin is such a change too.
/// </summary>
public sealed class IpRuleService(RecordStore<IpRule> store, IpRuleDirectory directory, TimeProvider clock)
    : IRecordService<IpRule, CreateIpRule>, IRestoreGuard
{
    /// <summary>Every request reads the whole list; a few hundred networks cover any real company.</summary>
    public const int MaxRules = 200;

    public static Type Changes => typeof(IpRuleChanges);

    public RecordStore<IpRule> Store => store;

    public async Task<IpRule> CreateAsync(Caller caller, CreateIpRule input, CancellationToken cancellationToken)
    {
        var rule = new IpRule { Cidr = IpRuleSet.NormalizeCidr(input.Cidr), Kind = input.Kind!.Value, Description = input.Description };
        await EnsureCanAddAsync(caller, rule, cancellationToken);
        var created = await store.CreateAsync(caller.Write(clock), rule, cancellationToken: cancellationToken);
        directory.Changed(caller.TenantId);
        return created;
    }

    public async Task<IpRule> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        var updated = await store.UpdateAsync(caller.Write(clock), id, ifMatch, async current =>
        {
            var changes = MergePatch.Apply(new IpRuleChanges { Cidr = current.Cidr, Kind = current.Kind, Description = current.Description }, patch);
            var changed = current with { Cidr = IpRuleSet.NormalizeCidr(changes.Cidr), Kind = changes.Kind!.Value, Description = changes.Description };
            var rules = await store.AllAsync(caller.TenantId, cancellationToken).ToListAsync(cancellationToken);
            EnsureNoSelfLockout(caller, [.. rules.Where(r => r.Id != id), changed]);
            return changed;
        }, cancellationToken: cancellationToken);
        directory.Changed(caller.TenantId);
        return updated;
    }

    public async Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var rules = await store.AllAsync(caller.TenantId, cancellationToken).ToListAsync(cancellationToken);
        if (rules.Any(r => r.Id == id))
        {
            EnsureNoSelfLockout(caller, [.. rules.Where(r => r.Id != id)]);
        }
        await store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);
        directory.Changed(caller.TenantId);
    }

    public string TypeName => store.TypeName;

    public async Task EnsureCanRestoreAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (await store.FindInBinAsync(caller.TenantId, id, cancellationToken) is { } binned)
        {
            await EnsureCanAddAsync(caller, binned, cancellationToken);
        }
    }

    public Task OnRestoredAsync(Caller caller, RecordBase restored, CancellationToken cancellationToken)
    {
        directory.Changed(caller.TenantId);
        return Task.CompletedTask;
    }

    /// <summary>A rule joining the live ones (created or restored): within the limit, and not refusing the caller.</summary>
    private async Task EnsureCanAddAsync(Caller caller, IpRule rule, CancellationToken cancellationToken)
    {
        var rules = await store.AllAsync(caller.TenantId, cancellationToken).ToListAsync(cancellationToken);
        if (rules.Count >= MaxRules)
        {
            throw new ConflictException("ipRule.limit_reached", $"A tenant can have at most {MaxRules} IP rules.");
        }
        EnsureNoSelfLockout(caller, [.. rules, rule]);
    }

    private static void EnsureNoSelfLockout(Caller caller, IReadOnlyCollection<IpRule> rules)
    {
        var address = caller.SourceIp is { } ip && IPAddress.TryParse(ip, out var parsed) ? parsed : null;
        if (!IpRuleSet.Allows(rules, address))
        {
            throw new ConflictException("ip.self_lockout",
                $"With this change the tenant would refuse your own address ({address?.ToString() ?? "unknown"}); add an allow rule for it first.",
                new Dictionary<string, object?> { ["address"] = address?.ToString() });
        }
    }
}
