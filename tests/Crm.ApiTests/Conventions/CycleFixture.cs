// Two namespaces that use each other only inside method bodies: what ArchitectureTests must see as a cycle.
namespace Crm.ApiTests.Conventions.Cycle.A
{
    internal static class First
    {
        public static int Call() => B.Second.Value();

        public static int Value() => 1;
    }
}

namespace Crm.ApiTests.Conventions.Cycle.B
{
    internal static class Second
    {
        public static int Call() => A.First.Value();

        public static int Value() => 2;
    }
}
