using Crm.Commerce.SalesDocuments;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Commerce.Contracts;

/// <summary>
/// A contract's life after approval (<see cref="ContractApproval"/> takes it from draft to active): completed or
/// terminated, and while active changed only by an amendment.
/// </summary>
internal sealed class ContractActions : IApiFeature
{
    public const string Amend = "amend";
    public const string Terminate = "terminate";

    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/contracts/{id}").WithTags("Contracts");
        group.MapPost("/complete", CompleteContract).RequirePermission("contracts.edit").WithName("CompleteContract").TakesNoBody().ChecksIfMatch()
            .WithSummary("Mark an active contract completed");
        group.MapPost("/terminate", TerminateContract).RequirePermission("contracts.terminate").WithName("TerminateContract").ChecksIfMatch()
            .WithSummary("End an active contract early, with a reason: terminated");
        group.MapPost("/amendments", AmendContract).RequirePermission("contracts.amend").WithName("AmendContract").ChecksIfMatch()
            .WithSummary("Change an active contract: {reason, changes} where changes is a merge patch of its fields; what changed is recorded");
    }

    public static Task<RecordJson<Contract>> CompleteContract(string id, ContractService contracts, DocumentActions actions, HttpContext context) =>
        MoveAsync(contracts, actions, context, id, Permissions.Actions.Edit, ContractStatus.Completed, null, Activities.Completed);

    public static Task<RecordJson<Contract>> TerminateContract(string id, ContractReason input, ContractService contracts, DocumentActions actions, HttpContext context) =>
        MoveAsync(contracts, actions, context, id, Terminate, ContractStatus.Terminated, Reason(input), Activities.Terminated);

    public static Task<RecordJson<Contract>> AmendContract(string id, AmendContract input, ContractService contracts, DocumentActions actions, HttpContext context)
    {
        RequestValidation.Validate(input);
        return actions.RunAsync(context, contracts.Store, id, Amend, Activities.Amended,
            (caller, write) => contracts.Amendment(caller, input.Reason!, input.Changes!, write.Now, context.RequestAborted));
    }

    private static Task<RecordJson<Contract>> MoveAsync(ContractService contracts, DocumentActions actions, HttpContext context, string id, string action, ContractStatus to, string? reason, string activity) =>
        actions.RunAsync(context, contracts.Store, id, action, activity,
            (caller, write) => contract => ValueTask.FromResult(SalesDocumentRules.Move(contract, to, caller.UserId, write.Now, reason)));

    private static string Reason(ContractReason input) => DocumentActions.Reason(RequestValidation.Validate(input).Reason, "contract.reason_required");
}
