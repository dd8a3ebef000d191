namespace Crm.Platform.Records;

/// <summary>
/// A record type's own condition for leaving the recycle bin (e.g. a department needs a live
/// parent), checked by the shared restore endpoint before the engine restores the record.
/// </summary>
public interface IRestoreGuard
{
    /// <summary>Singular, as in the restore route's <c>{type}</c>.</summary>
    string TypeName { get; }

    /// <summary>Throws when the record may not leave the bin now; the caller is there for rules about who restores it.</summary>
    Task EnsureCanRestoreAsync(Web.Caller caller, string id, CancellationToken cancellationToken);

    /// <summary>What follows a restore (e.g. a restored follow-up's record gets its <c>lastFollowUpAt</c> back).</summary>
    Task OnRestoredAsync(Web.Caller caller, Domain.Common.RecordBase restored, CancellationToken cancellationToken) => Task.CompletedTask;
}
