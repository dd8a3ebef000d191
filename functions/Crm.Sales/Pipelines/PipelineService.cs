using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Sales.Pipelines;

/// <summary>
/// The tenant's sales pipelines. Exactly one is the default: making another the default moves the
/// flag (the stored "default" key lets only one hold it), the default cannot be un-defaulted or
/// deleted, and a pipeline records use (<see cref="IPipelineUsage"/>) cannot be deleted.
/// </summary>
internal sealed class PipelineService(RecordStore<Pipeline> store, IEnumerable<IPipelineUsage> usages, TimeProvider clock) : IRecordService<Pipeline, CreatePipeline>
{
    /// <summary>Creates the default pipeline of a tenant that has none.</summary>
    public static readonly BackgroundActor Actor = BackgroundActor.Granted("pipelines", DataScope.Self, Permissions.SettingsManage);

    public static Type Changes => typeof(PipelineChanges);

    public RecordStore<Pipeline> Store => store;

    public async Task<Pipeline> CreateAsync(Caller caller, CreatePipeline input, CancellationToken cancellationToken)
    {
        var pipeline = PipelineRules.Validate(new Pipeline { Name = input.Name, Stages = input.Stages });
        var created = await store.CreateAsync(caller.Write(clock), pipeline, cancellationToken: cancellationToken);
        return input.IsDefault ? await MakeDefaultAsync(caller.Write(clock), created.Id, cancellationToken) : created;
    }

    public async Task<Pipeline> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        var becomesDefault = false;
        var updated = await store.UpdateAsync(caller.Write(clock), id, ifMatch, async current =>
        {
            var changes = MergePatch.Apply(new PipelineChanges { Name = current.Name, Stages = current.Stages, IsDefault = current.IsDefault }, patch);
            if (current.IsDefault && !changes.IsDefault)
            {
                throw new ConflictException("pipeline.default_required", "A tenant always has a default pipeline: make another pipeline the default instead.");
            }
            becomesDefault = changes.IsDefault && !current.IsDefault;
            var validated = PipelineRules.Validate(current with { Name = changes.Name, Stages = changes.Stages });
            await EnsureRemovedStagesUnusedAsync(caller.TenantId, current, validated, cancellationToken);
            return validated;
        }, cancellationToken: cancellationToken);
        return becomesDefault ? await MakeDefaultAsync(caller.Write(clock), id, cancellationToken) : updated;
    }

    /// <summary>Records on a stage would be left on a stage that no longer exists.</summary>
    private async Task EnsureRemovedStagesUnusedAsync(string tenantId, Pipeline before, Pipeline after, CancellationToken cancellationToken)
    {
        foreach (var removed in before.Stages.Select(s => s.Key).Except(after.Stages.Select(s => s.Key), StringComparer.Ordinal))
        {
            foreach (var usage in usages)
            {
                if (await usage.IsStageInUseAsync(tenantId, before.Id, removed, cancellationToken))
                {
                    throw new ConflictException("pipeline.stage_in_use", $"Opportunities are on the stage '{removed}': move them before removing it.");
                }
            }
        }
    }

    public async Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var pipeline = await store.GetAsync(caller.TenantId, id, cancellationToken);
        if (pipeline.IsDefault)
        {
            throw new ConflictException("pipeline.default_not_deletable", "The default pipeline cannot be deleted: make another pipeline the default first.");
        }
        foreach (var usage in usages)
        {
            if (await usage.IsInUseAsync(caller.TenantId, id, cancellationToken))
            {
                throw new ConflictException("pipeline.in_use", $"The pipeline '{pipeline.Name}' is in use and cannot be deleted.");
            }
        }
        await store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);
    }

    /// <summary>The tenant's default pipeline; a tenant without one (provisioned before pipelines existed) gets the standard one.</summary>
    public async Task<Pipeline> DefaultAsync(string tenantId, CancellationToken cancellationToken)
    {
        var id = await store.FindIdByUniqueKeyAsync(tenantId, PipelineRecordType.DefaultKey, PipelineRecordType.DefaultKey, cancellationToken);
        if (id is not null && await store.FindAsync(tenantId, id, cancellationToken) is { } found)
        {
            return found;
        }
        return await EnsureDefaultAsync(Actor.Write(tenantId, clock.GetUtcNow()), cancellationToken);
    }

    /// <summary>Creates the standard default pipeline unless the tenant has a default; run at provisioning and safe to run again.</summary>
    public async Task<Pipeline> EnsureDefaultAsync(WriteContext context, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var id = await store.FindIdByUniqueKeyAsync(context.TenantId, PipelineRecordType.DefaultKey, PipelineRecordType.DefaultKey, cancellationToken);
            if (id is not null)
            {
                return await store.GetAsync(context.TenantId, id, cancellationToken);
            }
            try
            {
                var standard = PipelineRules.DefaultPipeline();
                // A tenant that already named a pipeline "Sales" keeps it; the standard one takes another name.
                var taken = await store.FindIdByUniqueKeyAsync(context.TenantId, "name", TextNormalizer.Normalize(standard.Name), cancellationToken) is not null;
                return await store.CreateAsync(context, taken ? standard with { Name = "Standard sales" } : standard, cancellationToken: cancellationToken);
            }
            catch (ConflictException) when (attempt < 2)
            {
                // Another replica created it at the same moment: read theirs.
            }
        }
    }

    /// <summary>
    /// Moves the default flag: the old default gives it up, then the new one takes it. Should the second
    /// step fail, the old default takes it back, so the tenant never stays without one.
    /// </summary>
    private async Task<Pipeline> MakeDefaultAsync(WriteContext context, string id, CancellationToken cancellationToken)
    {
        var oldId = await store.FindIdByUniqueKeyAsync(context.TenantId, PipelineRecordType.DefaultKey, PipelineRecordType.DefaultKey, cancellationToken);
        if (oldId == id)
        {
            return await store.GetAsync(context.TenantId, id, cancellationToken);
        }
        if (oldId is not null)
        {
            await store.UpdateAsync(context, oldId, null, p => ValueTask.FromResult(p with { IsDefault = false }), cancellationToken: cancellationToken);
        }
        try
        {
            return await store.UpdateAsync(context, id, null, p => ValueTask.FromResult(p with { IsDefault = true }), cancellationToken: cancellationToken);
        }
        catch when (oldId is not null)
        {
            await store.UpdateAsync(context, oldId, null, p => ValueTask.FromResult(p with { IsDefault = true }), cancellationToken: CancellationToken.None);
            throw;
        }
    }
}
