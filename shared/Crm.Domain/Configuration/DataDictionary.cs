using Crm.Domain.Common;

namespace Crm.Domain.Configuration;

/// <summary>
/// One choice of a data dictionary (a picklist the tenant edits): <see cref="Value"/> is the stable
/// code records store, <see cref="Label"/> what people read. Items are never deleted, only retired,
/// so a value held by old records always stays explainable.
/// </summary>
public sealed record DictionaryItem : RecordBase
{
    public string Dictionary { get; init; } = "";
    public string Value { get; init; } = "";
    public string Label { get; init; } = "";
    public int SortOrder { get; init; }
    public bool Active { get; init; } = true;
}

/// <summary>A dictionary the product knows, with the items a new tenant starts with.</summary>
public sealed record DictionaryDefinition(string Name, string Title, IReadOnlyList<(string Value, string Label)> Defaults);

/// <summary>
/// The product's dictionaries. Their names are fixed because features refer to them by name
/// (customers' source, leads' status...); their items belong to each tenant. A module declares the
/// dictionaries it uses when it is added (the sales module: <see cref="Sales"/>), so the service lists
/// only those it has.
/// </summary>
public static class DataDictionaries
{
    public const string CustomerSource = "customerSource";
    public const string CustomerLevel = "customerLevel";
    public const string Industry = "industry";
    public const string LeadStatus = "leadStatus";
    public const string FollowUpChannel = "followUpChannel";
    public const string LossReason = "lossReason";
    public const string DecisionRole = "decisionRole";
    public const string TicketSeverity = "ticketSeverity";

    /// <summary>Customers', leads', follow-ups' and opportunities' dictionaries.</summary>
    public static readonly IReadOnlyList<DictionaryDefinition> Sales =
    [
        new(CustomerSource, "Customer source", [("website", "Website"), ("referral", "Referral"), ("exhibition", "Exhibition"), ("coldCall", "Cold call"), ("advertising", "Advertising"), ("partner", "Partner"), ("other", "Other")]),
        new(CustomerLevel, "Customer level", [("a", "A (key account)"), ("b", "B (normal)"), ("c", "C (small)")]),
        new(Industry, "Industry", [("manufacturing", "Manufacturing"), ("retail", "Retail"), ("it", "IT and software"), ("finance", "Finance"), ("education", "Education"), ("healthcare", "Healthcare"), ("government", "Government"), ("other", "Other")]),
        new(LeadStatus, "Lead status", [("new", "New"), ("contacted", "Contacted"), ("qualified", "Qualified"), ("unqualified", "Unqualified")]),
        new(FollowUpChannel, "Follow-up channel", [("phone", "Phone"), ("visit", "Visit"), ("email", "E-mail"), ("wechat", "WeChat"), ("meeting", "Meeting"), ("other", "Other")]),
        new(LossReason, "Loss reason", [("price", "Price"), ("competitor", "Lost to a competitor"), ("noBudget", "No budget"), ("noDecision", "No decision"), ("requirements", "Requirements not met"), ("other", "Other")]),
        new(DecisionRole, "Decision role", [("decisionMaker", "Decision maker"), ("influencer", "Influencer"), ("user", "User"), ("gatekeeper", "Gatekeeper"), ("champion", "Champion")]),
    ];

    /// <summary>Service tickets' dictionaries, declared by the service module when it comes.</summary>
    public static readonly IReadOnlyList<DictionaryDefinition> Service =
    [
        new(TicketSeverity, "Ticket severity", [("low", "Low"), ("normal", "Normal"), ("high", "High"), ("urgent", "Urgent")]),
    ];

    /// <summary>The items a tenant starts with, in their given order, ten apart so one can be slotted in between.</summary>
    public static IEnumerable<DictionaryItem> Seed(DictionaryDefinition dictionary) =>
        dictionary.Defaults.Select((d, i) => new DictionaryItem { Dictionary = dictionary.Name, Value = d.Value, Label = d.Label, SortOrder = (i + 1) * 10 });
}
