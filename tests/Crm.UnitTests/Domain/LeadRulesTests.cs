using Crm.Domain.Common;
using Crm.Domain.Sales;

namespace Crm.UnitTests.Domain;

public sealed class LeadRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static Func<string> Counter()
    {
        var n = 0;
        return () => $"new{++n}";
    }

    private static LeadConversionProgress Plan(Lead lead, string? existing = null, bool opportunity = false, bool customerMade = false, bool contactMade = false,
        bool opportunityMade = false) =>
        LeadRules.Plan(lead, existing, opportunity, customerMade, contactMade, opportunityMade, "u1", Now, Counter());

    [Fact]
    public void AFirstAttemptReservesNewIdsOrLinksTheNamedCustomer()
    {
        var lead = new Lead { Id = "l1", Name = "Li" };
        Assert.Equal(new LeadConversionProgress("new1", false, "new2", "new3", Now, "u1"), Plan(lead, opportunity: true));
        Assert.Equal(new LeadConversionProgress("c9", true, "new1", null, Now, "u1"), Plan(lead, existing: "c9"));
    }

    [Fact]
    public void ARetryKeepsTheReservedIdsAndWhatWasMade()
    {
        var held = new LeadConversionProgress("c1", false, "k1", "o1", Now.AddMinutes(-5), "u0");
        var lead = new Lead { Id = "l1", Name = "Li", Conversion = held };
        Assert.Equal(held, Plan(lead, opportunity: true, customerMade: true));
        // An opportunity not asked for again is dropped unless it was made.
        Assert.Null(Plan(lead, customerMade: true).OpportunityId);
        Assert.Equal("o1", Plan(lead, customerMade: true, opportunityMade: true).OpportunityId);
        // Nothing made yet: the caller may still choose an existing customer (after a duplicate name, say), keeping the other ids.
        Assert.Equal(held with { CustomerId = "c9", LinksExistingCustomer = true, OpportunityId = null }, Plan(lead, existing: "c9"));
    }

    [Fact]
    public void ACustomerAlreadyMadeOrUsedCannotBeSwappedForAnother()
    {
        var made = new Lead { Id = "l1", Name = "Li", Conversion = new LeadConversionProgress("c1", false, "k1", null, Now, "u1") };
        Assert.Equal(LeadRules.ConversionInProgress, Assert.Throws<ConflictException>(() => Plan(made, existing: "c9", customerMade: true)).Code);
        Assert.Equal("c1", Plan(made, existing: "c1", customerMade: true).CustomerId);
        var linked = new Lead { Id = "l1", Name = "Li", Conversion = new LeadConversionProgress("c7", true, "k1", null, Now, "u1") };
        Assert.Equal(LeadRules.ConversionInProgress, Assert.Throws<ConflictException>(() => Plan(linked, contactMade: true)).Code);
        Assert.Equal("c7", Plan(linked, existing: "c7", contactMade: true).CustomerId);
    }

    [Fact]
    public void AConvertedLeadIsNotPlannedAgainAndMarkingClearsTheProgress()
    {
        var progress = new LeadConversionProgress("c1", false, "k1", "o1", Now, "u1");
        var converted = LeadRules.MarkConverted(new Lead { Id = "l1", Name = "Li", Conversion = progress }, progress, "u2", Now);
        Assert.Equal((null, Now, "u2", new LeadConvertedTo("c1", "k1", "o1")), (converted.Conversion, converted.ConvertedAt, converted.ConvertedBy, converted.ConvertedTo));
        Assert.Equal(LeadRules.AlreadyConverted, Assert.Throws<ConflictException>(() => Plan(converted)).Code);
        Assert.Equal(LeadRules.Converted, Assert.Throws<ConflictException>(() => LeadRules.EnsureNotConverted(converted)).Code);
    }
}
