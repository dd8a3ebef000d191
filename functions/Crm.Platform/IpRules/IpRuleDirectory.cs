using System.Net;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Storage.Records;

namespace Crm.Platform.IpRules;

/// <summary>
/// The tenants' IP rules as every request checks them: read whole and kept while the rules have not
/// changed (<see cref="StampedCache{TValue}"/>: at once on this replica, within a second elsewhere).
/// </summary>
public sealed class IpRuleDirectory(RecordStore<IpRule> store, TimeProvider clock)
{
    public const string BlockedCode = "ip.blocked";

    private readonly StampedCache<IReadOnlyList<IpRule>> _rules = new(
        async (tenantId, ct) => await store.AllAsync(tenantId, ct).ToListAsync(ct), store.ChangeStampAsync, clock);

    public Task<IReadOnlyList<IpRule>> RulesAsync(string tenantId, CancellationToken cancellationToken) => _rules.GetAsync(tenantId, cancellationToken);

    /// <summary>Whether the tenant's rules let the address in (sign-in records a refusal as <c>ip_blocked</c>).</summary>
    public async Task<bool> AllowsAsync(string tenantId, IPAddress? address, CancellationToken cancellationToken) =>
        IpRuleSet.Allows(await RulesAsync(tenantId, cancellationToken), address);

    /// <summary>
    /// Throws the 403 <c>ip.blocked</c> problem when the tenant's rules refuse the address (no tenant:
    /// nothing to check, sign-in then fails like any unknown tenant).
    /// </summary>
    public async Task EnsureAllowedAsync(string? tenantId, IPAddress? address, CancellationToken cancellationToken)
    {
        if (tenantId is not null && !await AllowsAsync(tenantId, address, cancellationToken))
        {
            throw Blocked(address);
        }
    }

    public static ForbiddenException Blocked(IPAddress? address) =>
        new(BlockedCode, $"This tenant does not accept requests from {address?.ToString() ?? "an unknown address"}.");

    public void Changed(string tenantId) => _rules.Invalidate(tenantId);
}
