using Crm.Domain.Common;

namespace Crm.Domain.Commerce;

/// <summary>
/// Where quotes and contracts may go from where they are. A quote is edited while a draft; a contract
/// while a draft or rejected (sent back), and once active only by an amendment.
/// </summary>
public static class SalesDocumentRules
{
    private static readonly Dictionary<QuoteStage, QuoteStage[]> QuoteMoves = new()
    {
        [QuoteStage.Draft] = [QuoteStage.InReview, QuoteStage.Sent],
        [QuoteStage.InReview] = [QuoteStage.Approved, QuoteStage.Draft],
        [QuoteStage.Approved] = [QuoteStage.Sent, QuoteStage.Draft],
        [QuoteStage.Sent] = [QuoteStage.Accepted, QuoteStage.Rejected, QuoteStage.Expired, QuoteStage.Draft],
        [QuoteStage.Rejected] = [QuoteStage.Draft],
        [QuoteStage.Expired] = [QuoteStage.Draft],
        [QuoteStage.Accepted] = [],
    };

    private static readonly Dictionary<ContractStatus, ContractStatus[]> ContractMoves = new()
    {
        [ContractStatus.Draft] = [ContractStatus.PendingApproval],
        [ContractStatus.PendingApproval] = [ContractStatus.Draft, ContractStatus.Active, ContractStatus.Rejected],
        [ContractStatus.Rejected] = [ContractStatus.PendingApproval, ContractStatus.Draft],
        [ContractStatus.Active] = [ContractStatus.Completed, ContractStatus.Terminated],
        [ContractStatus.Completed] = [],
        [ContractStatus.Terminated] = [],
    };

    /// <summary>Only a draft is edited: a quote in review or approved is the one its approvers saw.</summary>
    public static bool IsEditable(QuoteStage stage) => stage == QuoteStage.Draft;

    /// <summary>Into and out of review, and to approved, a quote moves only through its approval, never by the stage action.</summary>
    public static bool IsMovedByApproval(QuoteStage from, QuoteStage to) => from == QuoteStage.InReview || to is QuoteStage.InReview or QuoteStage.Approved;

    public static bool IsEditable(ContractStatus status) => status is ContractStatus.Draft or ContractStatus.Rejected;

    /// <summary>A quote moved to <paramref name="to"/> on <paramref name="today"/>, or 409 <c>quote.stage_invalid</c> / <c>quote.expired</c>.</summary>
    public static Quote Move(Quote quote, QuoteStage to, string by, DateTimeOffset at, DateOnly today)
    {
        EnsureMove(quote, to);
        if (to is QuoteStage.Sent or QuoteStage.Accepted)
        {
            EnsureValid(quote, today);
        }
        return Moved(quote, to, by, at);
    }

    /// <summary>
    /// The move its approval makes (into review, approved, back to draft with the approver's comment): validity was
    /// checked on submission, and an approval decided after the quote's last valid day still concludes.
    /// </summary>
    public static Quote MoveByApproval(Quote quote, QuoteStage to, string by, DateTimeOffset at, string? reason = null)
    {
        EnsureMove(quote, to);
        return Moved(quote, to, by, at, reason);
    }

    /// <summary>409 <c>quote.expired</c> once the quote's last valid day is before <paramref name="today"/>.</summary>
    public static void EnsureValid(Quote quote, DateOnly today)
    {
        if (quote.ValidUntil is { } until && until < today)
        {
            throw new ConflictException("quote.expired", $"The quote was valid until {until:yyyy-MM-dd}; give it a new validity date (as a draft) first.");
        }
    }

    private static void EnsureMove(Quote quote, QuoteStage to)
    {
        if (!QuoteMoves[quote.Stage].Contains(to))
        {
            throw new ConflictException("quote.stage_invalid", $"A quote cannot go from {Camel(quote.Stage)} to {Camel(to)}.",
                new Dictionary<string, object?> { ["current"] = Camel(quote.Stage), ["allowed"] = QuoteMoves[quote.Stage].Select(Camel).ToArray() });
        }
        if (to is QuoteStage.Sent or QuoteStage.InReview && quote.Lines.Count == 0)
        {
            throw new ConflictException("quote.no_lines", "A quote without lines is not submitted or sent.");
        }
    }

    private static Quote Moved(Quote quote, QuoteStage to, string by, DateTimeOffset at, string? reason = null) =>
        quote with { Stage = to, StageHistory = [.. quote.StageHistory, new StatusChange(Camel(quote.Stage), Camel(to), at, by, reason)] };

    /// <summary>A contract moved to <paramref name="to"/>, or 409 <c>contract.status_invalid</c>.</summary>
    public static Contract Move(Contract contract, ContractStatus to, string by, DateTimeOffset at, string? reason = null)
    {
        if (!ContractMoves[contract.Status].Contains(to))
        {
            throw new ConflictException("contract.status_invalid", $"A contract cannot go from {Camel(contract.Status)} to {Camel(to)}.",
                new Dictionary<string, object?> { ["current"] = Camel(contract.Status), ["allowed"] = ContractMoves[contract.Status].Select(Camel).ToArray() });
        }
        if (to == ContractStatus.PendingApproval && contract.Lines.Count == 0)
        {
            throw new ConflictException("contract.no_lines", "A contract without lines cannot be put up for approval.");
        }
        return contract with { Status = to, StatusHistory = [.. contract.StatusHistory, new StatusChange(Camel(contract.Status), Camel(to), at, by, reason)] };
    }

    /// <summary>Start, end and sign dates in order, and a validity date not before the quote's own day.</summary>
    public static void CheckDates(DateOnly? startDate, DateOnly? endDate)
    {
        if (startDate is { } start && endDate is { } end && end < start)
        {
            throw new ValidationException("endDate", "Must not be before the start date.", "contract.dates_invalid");
        }
    }

    public static string Camel<TEnum>(TEnum value) where TEnum : struct, Enum => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
