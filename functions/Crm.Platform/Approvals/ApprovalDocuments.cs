using Azure.Data.Tables;
using Crm.Domain.Access;
using Crm.Domain.Approvals;
using Crm.Domain.Common;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Approvals;

/// <summary>A kind of document that goes through approval, registered by the module that owns it (contracts, receipts, ...).</summary>
public sealed record ApprovalDocumentType(string Type, string Title);

/// <summary>What the approvals read of a document when it is submitted: its name, and the facts a flow's conditions test.</summary>
public sealed record ApprovalSubject(string Name, decimal? Amount, string? CustomerLevel);

/// <summary>
/// A document type's part in approval, implemented by the module that owns the document. The approvals engine decides;
/// the document only says whether it may be submitted, and moves its own status when told (under approval, then
/// approved, rejected or withdrawn), each move a write of the document audited and in the change feed.
/// </summary>
public interface IApprovalDocument
{
    ApprovalDocumentType Type { get; }

    /// <summary>The collection the approval routes hang under: <c>/api/v1/{collection}/{id}/approval</c>.</summary>
    string Collection { get; }

    /// <summary>The permission that submits the document (<c>contracts.edit</c>).</summary>
    string SubmitPermission { get; }

    /// <summary>The caller's right to submit (and withdraw) the document, and that it may go up now: its subject, else 403/404/409.</summary>
    Task<ApprovalSubject> SubmittableAsync(Caller caller, string id, CancellationToken cancellationToken);

    /// <summary>Whether the caller may read the document (its approval history with it).</summary>
    Task<bool> VisibleAsync(Caller caller, string id, CancellationToken cancellationToken);

    /// <summary>Puts the document under the approval, on the version <paramref name="ifMatch"/> names when given; its new version.</summary>
    Task<string> OpenAsync(Caller caller, string id, string? ifMatch, string approvalId, CancellationToken cancellationToken);

    /// <summary>Approves the document at submission, without a flow (<paramref name="why"/>: switchedOff or noFlow); its new version.</summary>
    Task<string> ApproveAtOnceAsync(Caller caller, string id, string? ifMatch, string approvalId, string why, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the document to the approval's outcome, by <paramref name="decidedBy"/>. Only while the document is under that
    /// approval, so a repeat (an activity run twice) or a late call changes nothing; a document deleted meanwhile is left.
    /// </summary>
    Task ConcludeAsync(string tenantId, string id, string approvalId, ApprovalOutcome outcome, string decidedBy, string? comment, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>The approval the document is under now, if any.</summary>
    Task<string?> OpenApprovalAsync(string tenantId, string id, CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="IApprovalDocument"/> for a document on the record engine: the permission and data-scope checks of its
/// module, If-Match on the submission, and each move one ETag-guarded write naming its activity
/// (<see cref="Activities.Submitted"/>, approved, rejected, withdrawn).
/// </summary>
public abstract class RecordApprovalDocument<T>(RecordStore<T> store, RecordGuard guard, TimeProvider clock) : IApprovalDocument where T : RecordBase
{
    public abstract ApprovalDocumentType Type { get; }

    public string Collection => store.Collection;

    public string SubmitPermission => $"{store.TableName}.{SubmitAction}";

    protected RecordStore<T> Store => store;

    /// <summary>The permission action (of the document's module) that submits and withdraws.</summary>
    protected virtual string SubmitAction => Permissions.Actions.Edit;

    protected abstract string? ApprovalIdOf(T document);

    /// <summary>The document as under approval, or 409 when it may not go up now (its status, no lines...).</summary>
    protected abstract T UnderApproval(T document, string approvalId, string by, DateTimeOffset at);

    /// <summary>The document as approved, rejected (with the approver's comment) or withdrawn, from under approval.</summary>
    protected abstract T Concluded(T document, ApprovalOutcome outcome, string by, DateTimeOffset at, string? comment);

    protected abstract ValueTask<ApprovalSubject> SubjectAsync(Caller caller, T document, CancellationToken cancellationToken);

    public async Task<ApprovalSubject> SubmittableAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var document = await GetForAsync(caller, id, SubmitAction, cancellationToken);
        _ = UnderApproval(document, "", caller.UserId, DateTimeOffset.UnixEpoch);
        return await SubjectAsync(caller, document, cancellationToken);
    }

    public async Task<bool> VisibleAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        try
        {
            await GetForAsync(caller, id, Permissions.Actions.View, cancellationToken);
            return true;
        }
        catch (ForbiddenException)
        {
            return false;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    public async Task<string> OpenAsync(Caller caller, string id, string? ifMatch, string approvalId, CancellationToken cancellationToken) =>
        (await WriteAsync(caller, id, ifMatch, Activities.Submitted, (doc, now) => UnderApproval(doc, approvalId, caller.UserId, now), cancellationToken)).Version;

    public async Task<string> ApproveAtOnceAsync(Caller caller, string id, string? ifMatch, string approvalId, string why, CancellationToken cancellationToken) =>
        (await WriteAsync(caller, id, ifMatch, Activities.Approved,
            (doc, now) => Concluded(UnderApproval(doc, approvalId, caller.UserId, now), ApprovalOutcome.Approved, caller.UserId, now, null), cancellationToken)).Version;

    public async Task ConcludeAsync(string tenantId, string id, string approvalId, ApprovalOutcome outcome, string decidedBy, string? comment, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (await store.FindAsync(tenantId, id, cancellationToken) is not { } document || ApprovalIdOf(document) != approvalId || !IsUnder(document))
        {
            return;
        }
        var activity = outcome switch
        {
            ApprovalOutcome.Approved => Activities.Approved,
            ApprovalOutcome.Rejected => Activities.Rejected,
            _ => Activities.Withdrawn,
        };
        var write = new WriteContext(tenantId, decidedBy, null, now).As(activity);
        try
        {
            await MoveAsync(write, id, null, current => ApprovalIdOf(current) == approvalId && IsUnder(current) ? Concluded(current, outcome, decidedBy, now, comment) : current,
                cancellationToken);
        }
        catch (NotFoundException)
        {
            // Deleted while it was being approved: nothing left to move.
        }
    }

    public async Task<string?> OpenApprovalAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        await store.FindAsync(tenantId, id, cancellationToken) is { } document && IsUnder(document) ? ApprovalIdOf(document) : null;

    /// <summary>
    /// Other rows of the document's partition that move with this change of its status, in the same transaction (a
    /// receipt's approval counts it on its contract's summary): read afresh on each try of the write.
    /// </summary>
    protected virtual Task<IReadOnlyList<TableTransactionAction>> AlongsideAsync(string tenantId, T before, T after, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TableTransactionAction>>([]);

    private Task<T> MoveAsync(WriteContext write, string id, string? ifMatch, Func<T, T> move, CancellationToken cancellationToken)
    {
        IReadOnlyList<TableTransactionAction> alongside = [];
        return store.UpdateAsync(write, id, ifMatch, async current =>
        {
            var moved = move(current);
            alongside = await AlongsideAsync(write.TenantId, current, moved, cancellationToken);
            return moved;
        }, (_, _) => alongside, cancellationToken);
    }

    /// <summary>Whether the document waits on its approval now (its pending status).</summary>
    protected abstract bool IsUnder(T document);

    private async Task<T> GetForAsync(Caller caller, string id, string action, CancellationToken cancellationToken)
    {
        caller.Require($"{store.TableName}.{action}");
        var document = await store.GetAsync(caller.TenantId, id, cancellationToken);
        await guard.EnsureAsync(caller, store.TypeName, store.TableName, action, document, cancellationToken);
        return document;
    }

    /// <summary>One write of the document by the caller; without If-Match a concurrent change is re-read and the move applied to it.</summary>
    private async Task<T> WriteAsync(Caller caller, string id, string? ifMatch, string activity, Func<T, DateTimeOffset, T> move, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await GetForAsync(caller, id, SubmitAction, cancellationToken);
            var write = caller.Write(clock).As(activity);
            try
            {
                return await MoveAsync(write, id, ifMatch ?? current.Version, doc => move(doc, write.Now), cancellationToken);
            }
            catch (PreconditionFailedException) when (ifMatch is null)
            {
                await Contention.WaitAsync(attempt, store.TypeName, id, cancellationToken);
            }
        }
    }
}
