using Crm.Domain.Approvals;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Approvals;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Crm.Platform.Approvals;

/// <summary>
/// The approvals (审批): a submission picks a flow and opens an approval whose orchestration runs it; decisions are
/// written on the approval under its ETag (of two approvers acting at once on an any-one step, exactly one counts) and
/// then signalled to the orchestration, which starts the next step, reminds, escalates and, at the end, moves the
/// document's status. The approval is written first and the document put under it second, so a submission cut short
/// leaves either an approval nobody can see (removed by the sweep) or one the sweep starts.
/// </summary>
public sealed class Approvals(ApprovalStore store, IEnumerable<IApprovalDocument> documents, RecordStore<ApprovalFlow> flows, RecordStore<User> users,
    AccessDirectory directory, TenantStore tenants, DurableTaskClient orchestrations, TimeProvider clock)
{
    public const string ChangedEvent = "changed";
    public const string SwitchedOff = "switchedOff";
    public const string NoFlow = "noFlow";

    private readonly IReadOnlyDictionary<string, IApprovalDocument> _documents = documents.ToDictionary(d => d.Type.Type, StringComparer.Ordinal);

    public IReadOnlyCollection<IApprovalDocument> Documents => [.. _documents.Values];

    public IApprovalDocument Document(string type) =>
        _documents.TryGetValue(type, out var document) ? document : throw new NotFoundException("approvalDocumentType", type);

    public static string InstanceId(string tenantId, string approvalId) => $"approval~{tenantId}~{approvalId}";

    /// <summary>
    /// Submits the document: approved at once when its type is switched off or no flow applies, else under a new
    /// approval with its first step's approvers. <paramref name="resubmit"/> needs the last approval rejected or withdrawn.
    /// </summary>
    public async Task<(ApprovalInstance Approval, string DocumentVersion)> SubmitAsync(Caller caller, IApprovalDocument document, string id, string? ifMatch,
        bool resubmit, CancellationToken cancellationToken)
    {
        var subject = await document.SubmittableAsync(caller, id, cancellationToken);
        var history = await store.OfDocumentAsync(caller.TenantId, document.Type.Type, id, cancellationToken);
        if (history.FirstOrDefault(i => i.Outcome == ApprovalOutcome.Pending && i.Steps.Count > 0) is { } open)
        {
            throw new ConflictException("approval.pending", "The document is already under approval; withdraw it first.",
                new Dictionary<string, object?> { ["approvalId"] = open.Id });
        }
        if (resubmit && (history.Count > 0 ? history[0] : null) is not { Outcome: ApprovalOutcome.Rejected or ApprovalOutcome.Withdrawn })
        {
            throw new ConflictException("approval.nothing_to_resubmit", "Only a document whose last approval was rejected or withdrawn is resubmitted; submit it instead.");
        }
        var now = clock.GetUtcNow();
        var (facts, on, flow) = await PickFlowAsync(caller, document.Type.Type, subject, cancellationToken);
        var instance = new ApprovalInstance
        {
            Id = Ids.New(now),
            CreatedAt = now,
            CreatedBy = caller.UserId,
            UpdatedAt = now,
            UpdatedBy = caller.UserId,
            DocumentType = document.Type.Type,
            DocumentId = id,
            DocumentName = subject.Name,
            SubmitterId = caller.UserId,
            SubmittedAt = now,
            Facts = facts,
        };
        if (flow is null)
        {
            return await ApproveAtOnceAsync(caller, document, id, ifMatch, instance with
            {
                Outcome = ApprovalOutcome.Approved,
                ClosedAt = now,
                SettledAt = now,
                ApprovedAtOnce = on ? NoFlow : SwitchedOff,
            }, cancellationToken);
        }
        instance = instance with { FlowId = flow.Id, FlowName = flow.Name, FlowRevision = flow.Revision, FlowSteps = flow.Steps };
        var people = await users.AllAsync(caller.TenantId, cancellationToken).ToListAsync(cancellationToken);
        var first = ApproverResolution.Resolve(flow.Steps[0].Approvers, caller.UserId, people).UserIds;
        // Refuses a step nobody can approve before anything is written.
        _ = ApprovalInstanceRules.Begin(instance, first, now);

        var created = await store.CreateAsync(caller.TenantId, instance, opening: true, cancellationToken);
        string version;
        try
        {
            version = await document.OpenAsync(caller, id, ifMatch, created.Id, cancellationToken);
        }
        catch
        {
            await store.DeleteAsync(caller.TenantId, created, CancellationToken.None);
            throw;
        }
        var begun = await store.UpdateAsync(caller.TenantId, created.Id, i => i.Steps.Count == 0 ? ApprovalInstanceRules.Begin(i, first, now) : i,
            cancellationToken: CancellationToken.None);
        await StartAsync(caller.TenantId, begun.Id, CancellationToken.None);
        return (begun, version);
    }

    /// <summary>
    /// Whether submitting the document now would wait for approvers (its type is on and a flow fits it and its
    /// submitter) rather than approve it at once: what a document that may skip approval asks before it does.
    /// </summary>
    public async Task<bool> WouldWaitAsync(Caller caller, IApprovalDocument document, string id, CancellationToken cancellationToken)
    {
        var subject = await document.SubmittableAsync(caller, id, cancellationToken);
        return (await PickFlowAsync(caller, document.Type.Type, subject, cancellationToken)).Flow is not null;
    }

    /// <summary>The facts flows are picked on, whether the type's approval is on, and the flow that fits (none: approved at once).</summary>
    private async Task<(ApprovalFacts Facts, bool On, ApprovalFlow? Flow)> PickFlowAsync(Caller caller, string type, ApprovalSubject subject,
        CancellationToken cancellationToken)
    {
        var chart = await directory.OrgChartAsync(caller.TenantId, cancellationToken);
        var department = chart.DepartmentOf(caller.UserId);
        var facts = new ApprovalFacts(subject.Amount, subject.CustomerLevel, department is null ? [] : [.. chart.DepartmentChain(department)]);
        var settings = (await tenants.FindAsync(caller.TenantId, cancellationToken))?.Approvals ?? ApprovalSettings.Default;
        if (!settings.IsOn(type))
        {
            return (facts, false, null);
        }
        var candidates = await flows.ListAllAsync(caller.TenantId, new ListQuery { FieldEquals = [new("documentType", type)], Limit = 200 }, cancellationToken)
            .ToListAsync(cancellationToken);
        return (facts, true, ApprovalFlowRules.Select(candidates, type, facts));
    }

    private async Task<(ApprovalInstance, string)> ApproveAtOnceAsync(Caller caller, IApprovalDocument document, string id, string? ifMatch, ApprovalInstance instance,
        CancellationToken cancellationToken)
    {
        var created = await store.CreateAsync(caller.TenantId, instance, opening: false, cancellationToken);
        try
        {
            return (created, await document.ApproveAtOnceAsync(caller, id, ifMatch, created.Id, instance.ApprovedAtOnce!, cancellationToken));
        }
        catch
        {
            await store.DeleteAsync(caller.TenantId, created, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Schedules the approval's orchestration unless it exists (a sweep and a slow submission may both try).</summary>
    public async Task StartAsync(string tenantId, string approvalId, CancellationToken cancellationToken)
    {
        var instanceId = InstanceId(tenantId, approvalId);
        if (await orchestrations.GetInstanceAsync(instanceId, cancellationToken) is null)
        {
            try
            {
                await orchestrations.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), new ApprovalRun(tenantId, approvalId),
                    new StartOrchestrationOptions(instanceId), cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Scheduled by the other caller meanwhile, or a real failure, which the check tells apart.
                if (await orchestrations.GetInstanceAsync(instanceId, CancellationToken.None) is null)
                {
                    throw;
                }
            }
        }
        await store.StartedAsync(tenantId, approvalId, cancellationToken);
    }

    /// <summary>Approves or rejects the current step of the document's approval (<paramref name="stepIndex"/> defaults to the current one).</summary>
    public Task<ApprovalInstance> DecideAsync(Caller caller, IApprovalDocument document, string id, bool approve, string? comment, int? stepIndex,
        CancellationToken cancellationToken) =>
        ChangeAsync(caller, document, id, i => ApprovalInstanceRules.Decide(i, stepIndex ?? i.Current?.Index ?? i.Steps.Count - 1, caller.UserId, approve, comment,
            clock.GetUtcNow()), cancellationToken);

    /// <summary>The submitter takes the document back before the approval ends; it returns to where it was edited.</summary>
    public Task<ApprovalInstance> WithdrawAsync(Caller caller, IApprovalDocument document, string id, CancellationToken cancellationToken) =>
        ChangeAsync(caller, document, id, i => ApprovalInstanceRules.Withdraw(i, caller.UserId, clock.GetUtcNow()), cancellationToken);

    private async Task<ApprovalInstance> ChangeAsync(Caller caller, IApprovalDocument document, string id, Func<ApprovalInstance, ApprovalInstance> change,
        CancellationToken cancellationToken)
    {
        var latest = (await store.OfDocumentAsync(caller.TenantId, document.Type.Type, id, cancellationToken)).FirstOrDefault(i => i.Steps.Count > 0 || i.ApprovedAtOnce is not null)
            ?? throw new NotFoundException("approval", id);
        var before = latest;
        var updated = await store.UpdateAsync(caller.TenantId, latest.Id, current => change(before = current), cancellationToken: cancellationToken);
        if (!ReferenceEquals(updated, before))
        {
            // The write is what counts; the signal only saves the orchestration waiting for its next look (Approvals:Recheck).
            await orchestrations.RaiseEventAsync(InstanceId(caller.TenantId, updated.Id), ChangedEvent, updated.Steps.Count, CancellationToken.None);
        }
        return updated.Outcome == ApprovalOutcome.Pending ? updated : await SettledAsync(caller.TenantId, updated, cancellationToken);
    }

    /// <summary>
    /// Waits briefly for the orchestration to move the document after a decision that ended the approval, so the
    /// answer usually shows the document's new status; a slow worker only makes the answer say it is not settled yet.
    /// </summary>
    private async Task<ApprovalInstance> SettledAsync(string tenantId, ApprovalInstance closed, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow().AddSeconds(10);
        var current = closed;
        while (current.SettledAt is null && clock.GetUtcNow() < deadline)
        {
            await Task.Delay(100, cancellationToken);
            current = await store.GetAsync(tenantId, closed.Id, cancellationToken);
        }
        return current;
    }

    /// <summary>The document's approvals, newest first, to the caller who may read the document or took part in one.</summary>
    public async Task<IReadOnlyList<ApprovalInstance>> HistoryAsync(Caller caller, IApprovalDocument document, string id, CancellationToken cancellationToken)
    {
        var history = await store.OfDocumentAsync(caller.TenantId, document.Type.Type, id, cancellationToken);
        if (!await document.VisibleAsync(caller, id, cancellationToken) && !history.Any(i => TookPart(i, caller.UserId)))
        {
            throw new NotFoundException(document.Type.Type, id);
        }
        return [.. history.Where(i => i.Steps.Count > 0 || i.ApprovedAtOnce is not null)];
    }

    public Task<(IReadOnlyList<ApprovalInstance> Items, string? Next)> InboxAsync(Caller caller, int limit, string? after, CancellationToken cancellationToken) =>
        store.WaitingForAsync(caller.TenantId, caller.UserId, limit, after, cancellationToken);

    private static bool TookPart(ApprovalInstance instance, string userId) =>
        instance.SubmitterId == userId || instance.Steps.SelectMany(s => s.Seats).Any(s => s.Holds(userId));
}
