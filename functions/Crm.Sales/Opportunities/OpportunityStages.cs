using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Sales.Customers;
using Crm.Platform.Dictionaries;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Sales.Opportunities;

/// <summary>
/// Stage moves (seed 4 "商机阶段推进"): along open stages, to won, to lost with a reason, and back by a
/// reopen, as <see cref="PipelineRules"/> allows. Each move needs the edit right and is kept in the history.
/// </summary>
internal sealed class OpportunityStages(OpportunityService service, RecordGuard guard, DictionaryValidator dictionaries, TenantStore tenants, TimeProvider clock)
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/opportunities").WithTags("Opportunities");
        group.MapPost("/transfer", Transfer).RequirePermission("opportunities.transfer").WithName("TransferOpportunities").ProducesBatch()
            .WithSummary("Give up to 100 opportunities to another owner; 200, or 207 with each item's outcome");
        group.MapPost("/{id}/stage", Stage).RequirePermission("opportunities.edit").WithName("MoveOpportunityStage").ChecksIfMatch()
            .WithSummary("Move an opportunity to another open stage, or reopen a won or lost one (reopen: true)");
        group.MapPost("/{id}/won", Won).RequirePermission("opportunities.edit").WithName("WinOpportunity").ChecksIfMatch()
            .WithSummary("Mark an open opportunity won");
        group.MapPost("/{id}/lost", Lost).RequirePermission("opportunities.edit").WithName("LoseOpportunity").ChecksIfMatch()
            .WithSummary("Mark an open opportunity lost, with a reason from the lossReason dictionary");
    }

    /// <summary>Open and closed deals alike: who owns a won deal decides whose results it counts in.</summary>
    public static async Task<IResult> Transfer(TransferRecords input, OwnerTransfer transfer, OpportunityService opportunities, HttpContext context) =>
        Batch.Answer(await transfer.TransferAsync(context.Caller(), opportunities.Store, input, (Opportunity _) => { }, context.RequestAborted), context);

    public static async Task<RecordJson<Opportunity>> Stage(string id, MoveStage input, OpportunityStages stages, HttpContext context)
    {
        RequestValidation.Validate(input);
        return await stages.AnswerAsync(context, ifMatch => stages.MoveToAsync(context.Caller(), id, ifMatch, input.StageKey!, input.Reopen, context.RequestAborted));
    }

    public static Task<RecordJson<Opportunity>> Won(string id, OpportunityStages stages, HttpContext context) =>
        stages.AnswerAsync(context, ifMatch => stages.WinAsync(context.Caller(), id, ifMatch, context.RequestAborted));

    public static async Task<RecordJson<Opportunity>> Lost(string id, LoseOpportunity input, OpportunityStages stages, HttpContext context)
    {
        RequestValidation.Validate(input);
        return await stages.AnswerAsync(context, ifMatch => stages.LoseAsync(context.Caller(), id, ifMatch, input.Reason!, context.RequestAborted));
    }

    /// <summary>Moves an open opportunity to another open stage, or reopens a closed one.</summary>
    public Task<Opportunity> MoveToAsync(Caller caller, string id, string? ifMatch, string stageKey, bool reopen, CancellationToken cancellationToken) =>
        MoveAsync(caller, id, ifMatch, Activities.StageChanged, (pipeline, current) =>
        {
            var target = PipelineRules.StageOf(pipeline, stageKey);
            if (PipelineRules.IsClosed(target) && !PipelineRules.IsClosed(PipelineRules.StageOf(pipeline, current.StageKey)))
            {
                throw new ValidationException("stageKey", "Win or lose an opportunity with POST .../won or .../lost {reason}.", "opportunity.use_won_or_lost");
            }
            return (PipelineRules.EnsureMove(pipeline, current.StageKey, target.Key, reopen), null);
        }, cancellationToken);

    public Task<Opportunity> WinAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken) =>
        MoveAsync(caller, id, ifMatch, Activities.Won, (pipeline, current) => (PipelineRules.EnsureMove(pipeline, current.StageKey, PipelineRules.WonStage(pipeline).Key), null), cancellationToken);

    public async Task<Opportunity> LoseAsync(Caller caller, string id, string? ifMatch, string reason, CancellationToken cancellationToken)
    {
        await EnsureReasonAsync(caller.TenantId, DataDictionaries.LossReason, reason, null, "reason", cancellationToken);
        return await MoveAsync(caller, id, ifMatch, Activities.Lost, (pipeline, current) => (PipelineRules.EnsureMove(pipeline, current.StageKey, PipelineRules.LostStage(pipeline).Key), reason), cancellationToken);
    }

    /// <summary>The HTTP side of a move: If-Match in (required when the tenant says so), the new ETag out.</summary>
    private async Task<RecordJson<Opportunity>> AnswerAsync(HttpContext context, Func<string?, Task<Opportunity>> move)
    {
        var caller = context.Caller();
        var updated = await move(await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId));
        Preconditions.SetETag(context, updated);
        return new RecordJson<Opportunity>(RecordShape.Of(caller, service.Store.TableName, updated));
    }

    private Task EnsureReasonAsync(string tenantId, string dictionary, string? reason, string? held, string field, CancellationToken cancellationToken) =>
        dictionaries.EnsureAsync(tenantId, dictionary, reason, held, field, cancellationToken);

    /// <summary>Checks the edit right, then writes the move on the version it checked (or the one If-Match names).</summary>
    private async Task<Opportunity> MoveAsync(Caller caller, string id, string? ifMatch, string activity,
        Func<Pipeline, Opportunity, (PipelineStage Stage, string? LossReason)> decide, CancellationToken cancellationToken)
    {
        var store = service.Store;
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(caller.TenantId, id, cancellationToken);
            await guard.EnsureAsync(caller, store.TypeName, store.TableName, Permissions.Actions.Edit, current, cancellationToken);
            var pipeline = await service.PipelineAsync(caller.TenantId, current.PipelineId, cancellationToken);
            var (stage, lossReason) = decide(pipeline, current);
            try
            {
                var write = caller.Write(clock).As(activity);
                return await store.UpdateAsync(write, id, ifMatch ?? current.Version,
                    o => ValueTask.FromResult(OpportunityRules.EnterStage(o with { LossReason = lossReason }, stage, caller.UserId, write.Now)),
                    cancellationToken: cancellationToken);
            }
            catch (PreconditionFailedException) when (ifMatch is null)
            {
                await Contention.WaitAsync(attempt, "opportunity", id, cancellationToken);
            }
        }
    }
}
