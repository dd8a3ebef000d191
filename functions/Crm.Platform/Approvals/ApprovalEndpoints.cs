using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Approvals;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Settings;
using Crm.Platform.Web;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.Approvals;

/// <summary>An approver's decision: a comment (required to reject), and the step decided on (the current one when left out).</summary>
public sealed record ApprovalDecisionInput
{
    [StringLength(ApprovalProgressRules.MaxComment)]
    public string? Comment { get; init; }

    public int? StepIndex { get; init; }
}

/// <summary>One approval of a document: the flow as it was at submission, each step with who decided what and when.</summary>
public sealed record ApprovalView(string Id, string DocumentType, string DocumentId, string DocumentName, string SubmitterId, DateTimeOffset SubmittedAt,
    string? FlowId, string? FlowName, int? FlowRevision, ApprovalOutcome Outcome, DateTimeOffset? ClosedAt, string? ApprovedAtOnce, bool Settled,
    ApprovalFacts? Facts, IReadOnlyList<ApprovalStep> FlowSteps, IReadOnlyList<StepProgress> Steps, IReadOnlyList<string> Waiting)
{
    public static ApprovalView Of(ApprovalInstance i) => new(i.Id, i.DocumentType, i.DocumentId, i.DocumentName, i.SubmitterId, i.SubmittedAt,
        i.FlowId is { Length: > 0 } ? i.FlowId : null, i.FlowId is { Length: > 0 } ? i.FlowName : null, i.FlowId is { Length: > 0 } ? i.FlowRevision : null,
        i.Outcome, i.ClosedAt, i.ApprovedAtOnce, i.SettledAt is not null, i.Facts, i.FlowSteps, i.Steps, i.Waiting);
}

public sealed record ApprovalHistory(IReadOnlyList<ApprovalView> Items);

public sealed record ApprovalInbox(IReadOnlyList<ApprovalView> Items, string? Next);

/// <summary>
/// The approval routes of every approved document type (<c>/api/v1/{collection}/{id}/approval</c>), the inbox, and the
/// per-type switch. Deciding needs no permission of its own: being a current approver is the right, checked by the rules.
/// </summary>
public static class ApprovalEndpoints
{
    public static IEndpointRouteBuilder MapApprovals(this IEndpointRouteBuilder routes)
    {
        foreach (var document in routes.ServiceProvider.GetServices<IApprovalDocument>())
        {
            MapDocument(routes, document);
        }
        routes.MapGet("/api/v1/approvals/inbox", ListApprovalInbox).WithTags("Approvals").AnyCaller().WithName("ListApprovalInbox")
            .WithSummary("The approvals waiting for you, oldest first");
        var settings = routes.MapGroup("/api/v1/settings/approvals").WithTags("Settings");
        settings.MapGet("/", GetApprovalSettings).RequirePermission("approvalflows.view").WithName("GetApprovalSettings")
            .WithSummary("Which document types go through approval");
        settings.MapPatch("/", UpdateApprovalSettings).RequirePermission("approvalflows.edit").WithName("UpdateApprovalSettings")
            .WithSummary("Switch approval off (or on again) for document types: {switchedOff: [types]}").AcceptsMergePatch<ApprovalSettings>();
        return routes;
    }

    private static void MapDocument(IEndpointRouteBuilder routes, IApprovalDocument document)
    {
        var type = document.Type.Type;
        var name = char.ToUpperInvariant(type[0]) + type[1..];
        var group = routes.MapGroup($"/api/v1/{document.Collection}/{{id}}/approval").WithTags("Approvals");
        group.MapGet("/", (string id, Approvals approvals, HttpContext context) => GetApproval(document, id, approvals, context))
            .AnyCaller().WithName($"Get{name}Approval").WithSummary($"The {document.Type.Title.ToLowerInvariant()}'s approvals, newest first: each step, who, when, comment");
        group.MapPost("/submit", (string id, Approvals approvals, HttpContext context) => SubmitForApproval(document, id, false, approvals, context))
            .RequirePermission(document.SubmitPermission).TakesNoBody().ChecksIfMatch().WithName($"Submit{name}ForApproval")
            .WithSummary("Submit for approval: the flow its conditions pick starts (approved at once when approval is off for the type or no flow applies)");
        group.MapPost("/resubmit", (string id, Approvals approvals, HttpContext context) => SubmitForApproval(document, id, true, approvals, context))
            .RequirePermission(document.SubmitPermission).TakesNoBody().ChecksIfMatch().WithName($"Resubmit{name}ForApproval")
            .WithSummary("Submit again after a rejection or withdrawal: a new approval, on the flow as it is now");
        group.MapPost("/approve", (string id, ApprovalDecisionInput? input, Approvals approvals, HttpContext context) => Decide(document, id, true, input, approvals, context))
            .AnyCaller().WithName($"Approve{name}").WithSummary("Approve the current step, as one of its approvers");
        group.MapPost("/reject", (string id, ApprovalDecisionInput input, Approvals approvals, HttpContext context) => Decide(document, id, false, input, approvals, context))
            .AnyCaller().WithName($"Reject{name}").WithSummary("Reject, with a comment: the document goes back to the submitter");
        group.MapPost("/withdraw", (string id, Approvals approvals, HttpContext context) => WithdrawFromApproval(document, id, approvals, context))
            .AnyCaller().TakesNoBody().WithName($"Withdraw{name}FromApproval").WithSummary("Take the document back before the approval ends (the submitter only)");
    }

    public static async Task<Ok<ApprovalHistory>> GetApproval(IApprovalDocument document, string id, Approvals approvals, HttpContext context) =>
        TypedResults.Ok(new ApprovalHistory([.. (await approvals.HistoryAsync(context.Caller(), document, id, context.RequestAborted)).Select(ApprovalView.Of)]));

    public static async Task<Ok<ApprovalView>> SubmitForApproval(IApprovalDocument document, string id, bool resubmit, Approvals approvals, HttpContext context)
    {
        var (approval, _) = await approvals.SubmitAsync(context.Caller(), document, id, Preconditions.IfMatch(context), resubmit, context.RequestAborted);
        return TypedResults.Ok(ApprovalView.Of(approval));
    }

    public static async Task<Ok<ApprovalView>> Decide(IApprovalDocument document, string id, bool approve, ApprovalDecisionInput? input, Approvals approvals,
        HttpContext context)
    {
        input = RequestValidation.Validate(input ?? new ApprovalDecisionInput());
        return TypedResults.Ok(ApprovalView.Of(await approvals.DecideAsync(context.Caller(), document, id, approve, input.Comment, input.StepIndex, context.RequestAborted)));
    }

    public static async Task<Ok<ApprovalView>> WithdrawFromApproval(IApprovalDocument document, string id, Approvals approvals, HttpContext context) =>
        TypedResults.Ok(ApprovalView.Of(await approvals.WithdrawAsync(context.Caller(), document, id, context.RequestAborted)));

    public static async Task<Ok<ApprovalInbox>> ListApprovalInbox(Approvals approvals, HttpContext context, int limit = 50, string? cursor = null)
    {
        ListParameters.EnsureLogPage(limit);
        if (cursor is not null && !Ids.IsWellFormed(cursor))
        {
            throw new ValidationException("cursor", "The next value of the previous page.");
        }
        var (items, next) = await approvals.InboxAsync(context.Caller(), limit, cursor, context.RequestAborted);
        return TypedResults.Ok(new ApprovalInbox([.. items.Select(ApprovalView.Of)], next));
    }

    public static Task<Ok<ApprovalSettings>> GetApprovalSettings(TenantStore tenants, HttpContext context) =>
        TenantSettingsDocument.GetAsync(tenants, context, t => t.Approvals);

    public static Task<Ok<ApprovalSettings>> UpdateApprovalSettings(JsonObject patch, TenantStore tenants, Approvals approvals, HttpContext context)
    {
        if (patch["switchedOff"] is JsonArray types)
        {
            var known = approvals.Documents.Select(d => d.Type.Type).ToHashSet(StringComparer.Ordinal);
            if (types.FirstOrDefault(t => t is not JsonValue v || !v.TryGetValue<string>(out var s) || !known.Contains(s)) is { } unknown)
            {
                throw new ValidationException("switchedOff", $"'{unknown?.ToJsonString()}' is not a document type that is approved; one of: {string.Join(", ", known.Order(StringComparer.Ordinal))}.",
                    "approvalFlow.unknown_type");
            }
        }
        return TenantSettingsDocument.PatchAsync(tenants, context, patch, t => t.Approvals, (t, settings) => t with { Approvals = settings });
    }
}
