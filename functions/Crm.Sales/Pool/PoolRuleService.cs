using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Sales.Pool;

/// <summary>Pool rules are tenant configuration: checked whole on every write, one per department or tenant.</summary>
internal sealed class PoolRuleService(RecordStore<PoolRule> store, AccessDirectory directory, TimeProvider clock) : IRecordService<PoolRule, CreatePoolRule>
{
    public static Type Changes => typeof(PoolRuleChanges);

    public RecordStore<PoolRule> Store => store;

    public async Task<PoolRule> CreateAsync(Caller caller, CreatePoolRule input, CancellationToken cancellationToken)
    {
        var rule = await CheckAsync(caller.TenantId, input.ApplyTo(new PoolRule()), cancellationToken);
        return await store.CreateAsync(caller.Write(clock), rule, cancellationToken: cancellationToken);
    }

    public Task<PoolRule> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken) =>
        store.UpdateAsync(caller.Write(clock), id, ifMatch, async current =>
            await CheckAsync(caller.TenantId, MergePatch.Apply(PoolRuleChanges.From(current), patch).ApplyTo(current), cancellationToken),
            cancellationToken: cancellationToken);

    public Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken) =>
        store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);

    /// <summary>Every rule of the tenant: a handful, read whole by the pool job.</summary>
    public async Task<List<PoolRule>> AllAsync(string tenantId, CancellationToken cancellationToken) =>
        await store.AllAsync(tenantId, cancellationToken).ToListAsync(cancellationToken);

    private async Task<PoolRule> CheckAsync(string tenantId, PoolRule rule, CancellationToken cancellationToken)
    {
        if (PoolRules.Problems(rule) is { Count: > 0 } problems)
        {
            throw new ValidationException(problems);
        }
        if (rule.DepartmentId is { } departmentId && !(await directory.OrgChartAsync(tenantId, cancellationToken)).KnowsDepartment(departmentId))
        {
            throw new ValidationException("departmentId", $"No department with id '{departmentId}'.", "poolRule.department_not_found");
        }
        return rule;
    }
}
