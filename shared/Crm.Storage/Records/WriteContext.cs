namespace Crm.Storage.Records;

/// <summary>
/// Who is writing, from where and when: what every audit entry and event records. <see cref="Activity"/>
/// names the business action behind a plain update (a transfer, a stage move, a pool release; see
/// <c>Crm.Domain.Common.Activities</c>) so that timelines and feed consumers need not guess it from the fields.
/// </summary>
public sealed record WriteContext(string TenantId, string ActorId, string? SourceIp, DateTimeOffset Now, string? ApiKeyId = null)
{
    public string? Activity { get; init; }

    /// <summary>
    /// Set by a background import: a create of this record type also stores <see cref="WriteMark.Key"/>, in the same
    /// transaction, so a redelivered job recognises the rows it already wrote instead of writing them twice.
    /// </summary>
    public WriteMark? Mark { get; init; }

    /// <summary>Everything is checked (unique keys included) and nothing is stored: an import's dry run.</summary>
    public bool DryRun { get; init; }

    /// <summary>The same writer, for a change made as part of <paramref name="activity"/>.</summary>
    public WriteContext As(string activity) => this with { Activity = activity };
}

/// <summary>An idempotency mark on a create: <paramref name="Type"/> is the record type it applies to (not its side effects).</summary>
public sealed record WriteMark(string Type, string Key);
