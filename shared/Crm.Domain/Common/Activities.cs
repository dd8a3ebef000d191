namespace Crm.Domain.Common;

/// <summary>
/// The business actions a record's timeline and the change feed name (<c>activity</c> of an audit entry
/// and an event). A plain edit has none; these say why an owner, a stage or a link changed.
/// </summary>
public static class Activities
{
    public const string Transferred = "transferred";
    public const string Locked = "locked";
    public const string Unlocked = "unlocked";

    /// <summary>On the customer that received a merge, and on each contact or opportunity moved to it.</summary>
    public const string Merged = "merged";

    /// <summary>On a customer merged into another, just before it goes to the recycle bin.</summary>
    public const string MergedInto = "mergedInto";
    public const string StageChanged = "stageChanged";
    public const string Won = "won";
    public const string Lost = "lost";

    /// <summary>Given back to the public pool by its owner.</summary>
    public const string Released = "released";

    /// <summary>Returned to the public pool by a pool rule.</summary>
    public const string Reclaimed = "reclaimed";
    public const string Claimed = "claimed";
    public const string Assigned = "assigned";

    /// <summary>On a lead converted, and on the customer, contact and opportunity made or linked from it.</summary>
    public const string Converted = "converted";

    /// <summary>A document's approval steps and end (contracts now; purchase orders next).</summary>
    public const string Submitted = "submitted";
    public const string Withdrawn = "withdrawn";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Completed = "completed";
    public const string Terminated = "terminated";
    public const string Cancelled = "cancelled";
    public const string Received = "received";
    public const string Paid = "paid";

    /// <summary>An active contract changed by an amendment, which records what changed and why.</summary>
    public const string Amended = "amended";

    /// <summary>A follow-up was recorded on the record (its <c>lastFollowUpAt</c> moved).</summary>
    public const string FollowedUp = "followedUp";

    /// <summary>A participant answered an event's invitation (accepted, declined, tentative).</summary>
    public const string Answered = "answered";
}
