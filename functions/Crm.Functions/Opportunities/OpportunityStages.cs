using Crm.Domain.Access;
using Crm.Domain.Configuration;
using Crm.Domain.Sales;
using Crm.Functions.Access;
using Crm.Functions.Dictionaries;
using Crm.Functions.Hosting;
using Crm.Functions.Records;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Crm.Domain.Common;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Functions.Opportunities;

/// <summary>
/// Stage moves (seed 4 "商机阶段推进"): along open stages, to won, to lost with a reason, and back by a
/// reopen, as <see cref="PipelineRules"/> allows. Each move needs the edit right and is kept in the history.
/// </summary>
internal sealed class OpportunityStages(OpportunityService service, RecordGuard guard, DictionaryValidator dictionaries, TenantStore tenants, TimeProvider clock)
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/opportunities").WithTags("Opportunities");
        group.MapPost("/{id}/stage", Stage).RequirePermission("opportunities.edit").WithName("MoveOpportunityStage")
            .WithSummary("Move an opportunity to another open stage, or reopen a won or lost one (reopen: true)");
        group.MapPost("/{id}/won", Won).RequirePermission("opportunities.edit").WithName("WinOpportunity")
            .WithSummary("Mark an open opportunity won");
        group.MapPost("/{id}/lost", Lost).RequirePermission("opportunities.edit").WithName("LoseOpportunity")
            .WithSummary("Mark an open opportunity lost, with a reason from the lossReason dictionary");
    }

    public static Task<RecordJson<Opportunity>> Stage(string id, MoveStage input, OpportunityStages stages, HttpContext context)
    {
        RequestValidation.Validate(input);
        return stages.MoveAsync(context, id, (pipeline, current) =>
        {
            var target = PipelineRules.StageOf(pipeline, input.StageKey!);
            if (PipelineRules.IsClosed(target) && !PipelineRules.IsClosed(PipelineRules.StageOf(pipeline, current.StageKey)))
            {
                throw new ValidationException("stageKey", "Win or lose an opportunity with POST .../won or .../lost {reason}.", "opportunity.use_won_or_lost");
            }
            return (PipelineRules.EnsureMove(pipeline, current.StageKey, target.Key, input.Reopen), null);
        });
    }

    public static Task<RecordJson<Opportunity>> Won(string id, OpportunityStages stages, HttpContext context) =>
        stages.MoveAsync(context, id, (pipeline, current) => (PipelineRules.EnsureMove(pipeline, current.StageKey, PipelineRules.WonStage(pipeline).Key), null));

    public static async Task<RecordJson<Opportunity>> Lost(string id, LoseOpportunity input, OpportunityStages stages, HttpContext context)
    {
        RequestValidation.Validate(input);
        var caller = context.Caller();
        await stages.EnsureReasonAsync(caller.TenantId, DataDictionaries.LossReason, input.Reason, null, "reason", context.RequestAborted);
        return await stages.MoveAsync(context, id, (pipeline, current) => (PipelineRules.EnsureMove(pipeline, current.StageKey, PipelineRules.LostStage(pipeline).Key), input.Reason));
    }

    private Task EnsureReasonAsync(string tenantId, string dictionary, string? reason, string? held, string field, CancellationToken cancellationToken) =>
        dictionaries.EnsureAsync(tenantId, dictionary, reason, held, field, cancellationToken);

    /// <summary>Checks the edit right, then writes the move on the version it checked (or the one If-Match names).</summary>
    private async Task<RecordJson<Opportunity>> MoveAsync(HttpContext context, string id, Func<Pipeline, Opportunity, (PipelineStage Stage, string? LossReason)> decide)
    {
        var caller = context.Caller();
        var store = service.Store;
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(caller.TenantId, id, context.RequestAborted);
            await guard.EnsureAsync(caller, store.TypeName, store.TableName, Permissions.Actions.Edit, current, context.RequestAborted);
            var pipeline = await service.PipelineAsync(caller.TenantId, current.PipelineId, context.RequestAborted);
            var (stage, lossReason) = decide(pipeline, current);
            try
            {
                var write = caller.Write(clock);
                var updated = await store.UpdateAsync(write, id, ifMatch ?? current.Version,
                    o => ValueTask.FromResult(OpportunityRules.EnterStage(o with { LossReason = lossReason }, stage, caller.UserId, write.Now)),
                    cancellationToken: context.RequestAborted);
                Preconditions.SetETag(context, updated);
                return new RecordJson<Opportunity>(RecordShape.Of(caller, store.TableName, updated));
            }
            catch (PreconditionFailedException) when (ifMatch is null)
            {
                RecordOperations<Opportunity, CreateOpportunity, OpportunityService>.ThrowIfTooBusy(attempt, id);
            }
        }
    }
}
