using DevOpsProvider.Web;
using DevOpsProvider.Web.Dashboard;

// "hash-password <password>" prints the Admin:PasswordHash for that password and nothing else.
// (dotnet run puts the project's RunArguments in front of the arguments given after "--".)
var command = Array.IndexOf(args, "hash-password");
if (command >= 0)
{
    if (command != args.Length - 2)
    {
        Console.Error.WriteLine("usage: hash-password <password>");
        return 2;
    }

    Console.Out.WriteLine(PasswordHash.Create(args[^1]));
    return 0;
}

var app = DevOpsProviderApp.Build(args);
await app.RunAsync();
return 0;

/// <summary>Entry point; visible to tests.</summary>
public partial class Program;
