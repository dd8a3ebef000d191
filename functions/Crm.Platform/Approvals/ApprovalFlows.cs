using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;
using Crm.Domain.Approvals;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Orchestrations;
using Crm.Storage.Approvals;
using Crm.Storage.Records;
using Crm.Storage.Triggers;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.Approvals;

/// <summary>An approval flow's create body and the view a merge patch applies to (steps and conditions are replaced as a whole).</summary>
public sealed record ApprovalFlowFields : ModuleFields
{
    /// <summary>Unique per document type.</summary>
    [Required, NotBlank, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    /// <summary>One of the registered document types (<c>GET /api/v1/approval-flows/types</c>).</summary>
    [Required, NotBlank, StringLength(50, MinimumLength = 1)]
    [Fixed("approvalFlow.type_fixed", "A flow keeps its document type; make another flow for another type.")]
    public string DocumentType { get; init; } = "";

    public bool Enabled { get; init; } = true;

    /// <summary>Of the type's enabled flows whose conditions hold, the lowest priority is used.</summary>
    public int Priority { get; init; } = 100;

    public IReadOnlyList<ApprovalCondition>? Conditions { get; init; }

    [Required]
    public IReadOnlyList<ApprovalStep>? Steps { get; init; }

    [StringLength(1000)]
    public string? Description { get; init; }
}

internal sealed class ApprovalFlowRecordType : RecordType<ApprovalFlow>
{
    public override string Name => "approvalFlow";
    public override string Table => "approvalflows";
    public override string Collection => "approval-flows";
    public override string DisplayName(ApprovalFlow record) => record.Name;

    public override IEnumerable<UniqueKey> UniqueKeys(ApprovalFlow record) =>
        [new("name", $"{record.DocumentType}/{TextNormalizer.Normalize(record.Name)}", "approvalFlow.duplicate_name",
            $"A {record.DocumentType} flow named '{record.Name}' already exists.")];

    public override IReadOnlyList<string> IndexedFields => ["documentType", "enabled"];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "name", "documentType", "enabled", "priority", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}

/// <summary>
/// A flow's rules: a registered document type, a sound shape (<see cref="ApprovalFlowRules.Problems"/>), named approvers
/// and roles that exist. Every change counts a new revision; approvals already running keep the one they started with.
/// </summary>
public sealed class ApprovalFlowService(RecordStore<ApprovalFlow> store, IEnumerable<IApprovalDocument> documents, AccessDirectory directory,
    OwnedAccess access, TimeProvider clock) : RecordService<ApprovalFlow, ApprovalFlowFields>(store, access, clock)
{
    private readonly IReadOnlyDictionary<string, ApprovalDocumentType> _types = documents.ToDictionary(d => d.Type.Type, d => d.Type, StringComparer.Ordinal);

    public IEnumerable<ApprovalDocumentType> Types => _types.Values.OrderBy(t => t.Type, StringComparer.Ordinal);

    protected override async ValueTask<ApprovalFlow> CreatingAsync(Caller caller, ApprovalFlowFields input, ApprovalFlow record, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (!_types.ContainsKey(record.DocumentType))
        {
            throw new ValidationException("documentType", $"Not a document type that is approved; one of: {string.Join(", ", _types.Keys.Order(StringComparer.Ordinal))}.",
                "approvalFlow.unknown_type");
        }
        await CheckAsync(caller.TenantId, record, cancellationToken);
        return record with { Revision = 1 };
    }

    protected override async ValueTask<ApprovalFlow> UpdatingAsync(Caller caller, ApprovalFlow current, ApprovalFlowFields changes, ApprovalFlow updated,
        CancellationToken cancellationToken)
    {
        await CheckAsync(caller.TenantId, updated, cancellationToken);
        return updated with { Revision = current.Revision + 1 };
    }

    private async Task CheckAsync(string tenantId, ApprovalFlow flow, CancellationToken cancellationToken)
    {
        var errors = ApprovalFlowRules.Problems(flow);
        var chart = await directory.OrgChartAsync(tenantId, cancellationToken);
        var roles = await directory.RolesAsync(tenantId, cancellationToken);
        for (var i = 0; i < flow.Steps.Count && errors.Count == 0; i++)
        {
            var step = flow.Steps[i];
            if (step.Approvers.UserIds?.FirstOrDefault(id => !chart.Knows(id)) is { } unknown)
            {
                errors[$"steps[{i}].approvers.userIds"] = [$"No user with id '{unknown}'."];
            }
            if (step.Approvers is { Kind: ApproverKind.Role, RoleId: { } role } && !roles.ContainsKey(role))
            {
                errors[$"steps[{i}].approvers.roleId"] = [$"No role with id '{role}'."];
            }
            if (step.EscalateToUserId is { } to && !chart.Knows(to))
            {
                errors[$"steps[{i}].escalateToUserId"] = [$"No user with id '{to}'."];
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors, "approvalFlow.invalid");
        }
    }
}

/// <summary>The approval flows: the record engine's routes, and the document types a flow may be for.</summary>
public static class ApprovalFlowsFeature
{
    public static IServiceCollection AddApprovalFlows(this IServiceCollection services) =>
        services.AddModuleRecords<ApprovalFlow, ApprovalFlowRecordType, ApprovalFlowFields, ApprovalFlowService>("Approval flows", "ApprovalFlow", "ApprovalFlows");

    /// <summary>Declares a document type that goes through approval (a module calls this for each of its approved documents).</summary>
    public static IServiceCollection AddApprovalDocument<TDocument>(this IServiceCollection services) where TDocument : class, IApprovalDocument =>
        services.AddSingleton<IApprovalDocument, TDocument>();

    /// <summary>The approvals engine: its store, the orchestration that runs each approval, and the sweep of cut-short submissions.</summary>
    public static IServiceCollection AddApprovals(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ApprovalOptions>(configuration.GetSection(ApprovalOptions.Section));
        services.AddSingleton<ApprovalStore>().AddTable(ApprovalStore.TableName);
        services.AddSingleton<Approvals>();
        services.AddSingleton<ApprovalProgression>();
        services.AddOrchestrator<ApprovalOrchestrator>();
        services.AddActivity<ApprovalRecheck>();
        services.AddActivity<AdvanceApproval>();
        services.AddActivity<ConcludeApproval>();
        services.AddTimerJob<ApprovalSweepJob>(ApprovalSweepJob.Name);
        return services;
    }

    public static IEndpointRouteBuilder MapApprovalFlowTypes(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/approval-flows/types", ListApprovalDocumentTypes).WithTags("Approval flows").RequirePermission("approvalflows.view")
            .WithName("ListApprovalDocumentTypes").WithSummary("The document types approval flows may be made for");
        return routes;
    }

    public static Microsoft.AspNetCore.Http.HttpResults.Ok<ApprovalDocumentTypeList> ListApprovalDocumentTypes(ApprovalFlowService flows, HttpContext context)
    {
        context.Caller().Require("approvalflows.view");
        return TypedResults.Ok(new ApprovalDocumentTypeList([.. flows.Types]));
    }
}

public sealed record ApprovalDocumentTypeList(IReadOnlyList<ApprovalDocumentType> Items);
