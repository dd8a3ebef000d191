using System.Text.RegularExpressions;
using Crm.Domain.Common;
using Crm.Domain.Configuration;

namespace Crm.Domain.Sales;

/// <summary>What an opportunity's fields must hold, and what a stage change does to it.</summary>
public static partial class OpportunityRules
{
    public const int MaxLines = 100;
    public const int MaxCompetitors = 20;
    public const int MaxContacts = 50;

    public static bool IsCurrency(string? code) => code is not null && CurrencyPattern().IsMatch(code);

    /// <summary>The checks data annotations cannot express; every problem is reported at once.</summary>
    public static void Check(decimal amount, string? currency, int? probabilityOverride, IReadOnlyList<ProductLine> lines, IReadOnlyList<string> competitors,
        IReadOnlyList<OpportunityContact> contacts)
    {
        var errors = new Dictionary<string, string[]>();
        if (amount < 0)
        {
            errors["amount"] = ["Must be 0 or more."];
        }
        if (currency is not null && !IsCurrency(currency))
        {
            errors["currency"] = ["Use an ISO 4217 code of three capital letters, like CNY or EUR."];
        }
        if (probabilityOverride is < 0 or > 100)
        {
            errors["probabilityOverride"] = ["Must be between 0 and 100."];
        }
        if (lines.Count > MaxLines)
        {
            errors["productLines"] = [$"At most {MaxLines} lines."];
        }
        for (var i = 0; i < lines.Count && i < MaxLines; i++)
        {
            var line = lines[i];
            if (line is null || string.IsNullOrWhiteSpace(line.Name) || line.Name.Length > 200)
            {
                errors[$"productLines[{i}].name"] = ["Must have 1 to 200 characters."];
                continue;
            }
            if (line.ProductId is { Length: > 64 })
            {
                errors[$"productLines[{i}].productId"] = ["At most 64 characters."];
            }
            PricedLines.CheckLine(line, $"productLines[{i}]", errors);
        }
        if (competitors.Count > MaxCompetitors || competitors.Any(c => string.IsNullOrWhiteSpace(c) || c.Length > 100))
        {
            errors["competitors"] = [$"At most {MaxCompetitors} names of 1 to 100 characters."];
        }
        if (contacts.Count > MaxContacts || contacts.Any(c => c is null || string.IsNullOrWhiteSpace(c.ContactId)))
        {
            errors["contacts"] = [$"At most {MaxContacts} entries, each with a contactId."];
        }
        else if (contacts.Select(c => c.ContactId).Distinct(StringComparer.Ordinal).Count() != contacts.Count)
        {
            errors["contacts"] = ["Each contact appears once."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    /// <summary>The stage an opportunity is in decides its status, probability and close time; the move is recorded.</summary>
    public static Opportunity EnterStage(Opportunity opportunity, PipelineStage stage, string by, DateTimeOffset at)
    {
        var closed = PipelineRules.IsClosed(stage);
        return opportunity with
        {
            StageKey = stage.Key,
            Status = stage.Kind switch { StageKind.Won => OpportunityStatus.Won, StageKind.Lost => OpportunityStatus.Lost, _ => OpportunityStatus.Open },
            Probability = closed ? stage.Probability : opportunity.ProbabilityOverride ?? stage.Probability,
            ClosedAt = closed ? at : null,
            LossReason = stage.Kind == StageKind.Lost ? opportunity.LossReason : null,
            StageHistory = [.. opportunity.StageHistory, new StageChange(opportunity.StageKey.Length == 0 ? null : opportunity.StageKey, stage.Key, at, by)],
        };
    }

    /// <summary>A changed override (or a cleared one) shows at once while the opportunity is open.</summary>
    public static int ProbabilityFor(Pipeline pipeline, Opportunity opportunity)
    {
        var stage = PipelineRules.StageOf(pipeline, opportunity.StageKey);
        return PipelineRules.IsClosed(stage) ? stage.Probability : opportunity.ProbabilityOverride ?? stage.Probability;
    }

    [GeneratedRegex("^[A-Z]{3}\\z")]
    private static partial Regex CurrencyPattern();
}
